import { describe, expect, it } from 'vitest';
import { postgresArrayLiteral } from './insert.js';

describe('postgresArrayLiteral', () => {
  it('writes what JSON.stringify writes where the two syntaxes agree', () => {
    expect(postgresArrayLiteral(['say "hi"', 'a\\', null, 'NULL', '{,}', ''])).toBe(
      '{"say \\"hi\\"","a\\\\",null,"NULL","{,}",""}',
    );
    expect(postgresArrayLiteral([1.5, null, 1795651200000, 5e-324, 1e21])).toBe(
      '{1.5,null,1795651200000,5e-324,1e+21}',
    );
    expect(postgresArrayLiteral([true, false, null])).toBe('{true,false,null}');
    expect(postgresArrayLiteral([])).toBe('{}');
  });

  it('writes an array element by element when a string would need a JSON-only escape', () => {
    // In an array literal `\n` is the letter n: the control character goes in as itself, quoted.
    expect(postgresArrayLiteral(['a\nb', 'x"y', null, 2])).toBe('{"a\nb","x\\"y",NULL,2}');
    expect(postgresArrayLiteral(['\u0001'])).toBe('{"\u0001"}');
    expect(postgresArrayLiteral(['\ud800'])).toBe('{"\ud800"}');
    // An escaped backslash before a letter is no JSON-only escape, but reading it as one is only slower.
    expect(postgresArrayLiteral(['\\n'])).toBe('{"\\\\n"}');
  });
});
