import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRequestMetric } from './read-record.js';
import { FIELDS_SINCE, RECORD_SCHEMA_VERSION } from './record-version.js';
import { REQUEST_METRIC_FIELDS } from './schema.js';
import { arbitraryRecord, record } from './test-support/records.js';

/** A record as the first release wrote it: without the fields added since. */
function firstReleaseRecord(): Record<string, unknown> {
  const { concurrency: _c, switched_from: _s, output_chunks: _o, decode_ms: _d, ...older } = record({ id: 'v1' });
  return older;
}

/** A record as version 2 wrote it: without the stream timing of version 3. */
function version2Record(): Record<string, unknown> {
  const { output_chunks: _o, decode_ms: _d, ...older } = record({ id: 'v2', concurrency: 3 });
  return older;
}

describe('readRequestMetric', () => {
  it('reads a record of the first release, its later fields as null', () => {
    const read = readRequestMetric(firstReleaseRecord());
    expect(read).toEqual({
      success: true,
      record: record({ id: 'v1', concurrency: null, switched_from: null }),
      ignored: [],
    });
  });

  it('reads a record of version 2, its stream timing as null', () => {
    expect(readRequestMetric(version2Record())).toEqual({
      success: true,
      record: record({ id: 'v2', concurrency: 3, output_chunks: null, decode_ms: null }),
      ignored: [],
    });
  });

  it('names the fields added after the first release, all nullable, and no others', () => {
    expect(Object.keys(FIELDS_SINCE).sort()).toEqual(['concurrency', 'decode_ms', 'output_chunks', 'switched_from']);
    expect(RECORD_SCHEMA_VERSION).toBe(3);
    for (const since of Object.values(FIELDS_SINCE)) expect(since).toBeLessThanOrEqual(RECORD_SCHEMA_VERSION);
    for (const field of Object.keys(FIELDS_SINCE)) expect(REQUEST_METRIC_FIELDS).toContain(field);
  });

  it('ignores and names fields of a newer producer, keeping the rest exact', () => {
    fc.assert(
      fc.property(
        arbitraryRecord,
        fc.dictionary(
          fc
            .string({ minLength: 1, maxLength: 12 })
            .filter((key) => !(REQUEST_METRIC_FIELDS as string[]).includes(key)),
          fc.jsonValue(),
          { minKeys: 1, maxKeys: 4 },
        ),
        (valid, extra) => {
          const read = readRequestMetric(JSON.parse(JSON.stringify({ ...valid, ...extra })));
          expect(read).toEqual({
            success: true,
            record: valid,
            ignored: Object.keys(JSON.parse(JSON.stringify(extra))),
          });
        },
      ),
    );
  });

  it.each([
    ['a bound broken', { latency_ms: -1 }, 'latency_ms'],
    ['a later field out of bounds', { concurrency: 0 }, 'concurrency'],
    ['a fractional chunk count', { output_chunks: 2.5 }, 'output_chunks'],
    ['a negative decode time', { decode_ms: -1 }, 'decode_ms'],
    ['a wrong type beside an unknown field', { status: '200', future_field: 1 }, 'status'],
  ])('refuses %s and names the field', (_, overrides, field) => {
    const read = readRequestMetric({ ...firstReleaseRecord(), ...overrides });
    expect(read.success).toBe(false);
    expect(read.success ? [] : read.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
  });

  it('refuses a record without a field of the first release', () => {
    const { latency_ms: _, ...partial } = record();
    const read = readRequestMetric(partial);
    expect(read.success ? [] : read.issues.map((issue) => issue.path.join('.'))).toEqual(['latency_ms']);
  });

  it.each([null, 1, 'x', [], [record()]])('refuses %j, which is not a record', (value) => {
    expect(readRequestMetric(value).success).toBe(false);
  });
});
