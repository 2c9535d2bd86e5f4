import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REQUEST_METRIC_FIELDS, requestMetricSchema } from './schema.js';
import { schemaPredicate } from './schema-predicate.js';
import { arbitraryRecord, record } from './test-support/records.js';

const isRecord = schemaPredicate(requestMetricSchema);
const agrees = (value: unknown) => expect(isRecord(value)).toBe(requestMetricSchema.safeParse(value).success);

// Values on and around every bound the schema sets, and the kinds JSON (and JS) can hold.
const edgeValues = fc.constantFrom<unknown>(
  null,
  undefined,
  true,
  false,
  0,
  -0,
  -1,
  1,
  1.5,
  -0.5,
  999,
  1000,
  1_000_000,
  1_000_001,
  8.64e15,
  8.64e15 + 2,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  'a',
  'a\u0000b',
  '\u0000',
  'chat',
  'generate',
  'embed',
  'stream_error',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(500),
  'x'.repeat(501),
  'x'.repeat(512),
  'x'.repeat(513),
  [],
  {},
  [1],
  { a: 1 },
  new Date(0),
);
const field = fc.constantFrom(...REQUEST_METRIC_FIELDS);
type Mutation = { set: string; value: unknown } | { remove: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ set: field, value: fc.oneof(edgeValues, fc.jsonValue()) }),
  fc.record({ remove: field }),
  fc.record({ set: fc.string(), value: fc.jsonValue() }),
);
function mutate(r: Record<string, unknown>, change: Mutation): void {
  if ('remove' in change) delete r[change.remove];
  else r[change.set] = change.value;
}

describe('schemaPredicate', () => {
  it('accepts every valid record', () => {
    fc.assert(
      fc.property(arbitraryRecord, (r) => {
        expect(isRecord(r)).toBe(true);
      }),
    );
    expect(isRecord(JSON.parse(JSON.stringify(record())))).toBe(true);
  });

  it('accepts exactly what requestMetricSchema accepts, whatever is changed, removed or added', () => {
    fc.assert(
      fc.property(arbitraryRecord, fc.array(mutation, { minLength: 1, maxLength: 3 }), (valid, mutations) => {
        const changed: Record<string, unknown> = { ...valid };
        for (const change of mutations) mutate(changed, change);
        agrees(changed);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses what is not an object, an extra key, a missing one, and a key named __proto__', () => {
    for (const value of [null, undefined, 'x', 1, [], [record()], new Map()]) agrees(value);
    const extra = JSON.parse(`{${JSON.stringify(record()).slice(1, -1)},"__proto__":{"x":1}}`) as unknown;
    expect(isRecord(extra)).toBe(false);
    agrees(extra);
    const { id: _id, ...missing } = record();
    expect(isRecord(missing)).toBe(false);
    expect(isRecord({ ...record(), id: undefined })).toBe(false);
    // An enumerable key on the prototype counts, as it does for zod.
    const inheriting = Object.assign(Object.create({ extra: 1 }) as object, record());
    expect(isRecord(inheriting)).toBe(false);
    agrees(inheriting);
  });

  it('agrees with zod on exclusive and inclusive bounds, lengths, patterns, enums and null', () => {
    const schemas = [
      z.number().gt(1).lt(5),
      z.number().int().gte(-3).lte(3),
      z.number().positive().nullable(),
      z.string().min(2).max(4).regex(/^a/g),
      z.enum(['x', 'y']).nullable(),
      z.boolean(),
    ];
    const values = [
      null,
      undefined,
      -4,
      -3,
      -0.5,
      0,
      1,
      1.5,
      3,
      4.99,
      5,
      6,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      'a',
      'ab',
      'abcd',
      'abcde',
      'ba',
      'x',
      'y',
      'z',
      true,
      false,
      {},
      [],
    ];
    for (const schema of schemas) {
      const predicate = schemaPredicate(schema);
      // Twice: a pattern with the g flag must not remember where it stopped.
      for (const value of [...values, ...values])
        expect([schema, value, predicate(value)]).toEqual([schema, value, schema.safeParse(value).success]);
    }
  });

  it('refuses to compile a construct it does not know, rather than check less', () => {
    expect(() => schemaPredicate(z.strictObject({ a: z.string().optional() }))).toThrow(
      /unsupported zod construct: optional/,
    );
    expect(() => schemaPredicate(z.object({ a: z.string() }))).toThrow(/not strict/);
    expect(() => schemaPredicate(z.strictObject({ a: z.email() }))).toThrow(/string format email/);
    expect(() => schemaPredicate(z.strictObject({ a: z.coerce.number() }))).toThrow(/coerced number/);
    expect(() => schemaPredicate(z.string().refine((s) => s !== 'x'))).toThrow(
      /unsupported zod construct: check custom/,
    );
    expect(() => schemaPredicate(z.string().transform((s) => s.length))).toThrow(/unsupported zod construct: pipe/);
  });
});
