import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinJsonObjects, jsonObjectOf } from './json-text.js';

const objects = fc.dictionary(fc.string(), fc.jsonValue());

describe('JSON text from JSON pieces', () => {
  it('joins objects as their spread would', () => {
    fc.assert(
      fc.property(objects, objects, (a, b) => {
        const onlyB = Object.fromEntries(Object.entries(b).filter(([k]) => !(k in a)));
        const joined = joinJsonObjects(JSON.stringify(a), '{}', JSON.stringify(onlyB));
        expect(JSON.parse(joined)).toEqual(JSON.parse(JSON.stringify({ ...a, ...onlyB })));
      }),
    );
  });

  it('builds an object from members given as text', () => {
    fc.assert(
      fc.property(objects, (a) => {
        const members = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, JSON.stringify(v)]));
        expect(JSON.parse(jsonObjectOf(members))).toEqual(JSON.parse(JSON.stringify(a)));
      }),
    );
  });

  it('refuses a piece that is not an object', () => {
    expect(() => joinJsonObjects('[1]')).toThrow(/not a JSON object/);
    expect(() => joinJsonObjects('')).toThrow(/not a JSON object/);
    expect(joinJsonObjects('{ }', '{"a":1}', `{${' '.repeat(40)}}`)).toBe('{"a":1}');
  });
});
