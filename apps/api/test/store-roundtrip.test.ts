/**
 * What goes into the store comes back unchanged, on SQLite and PostgreSQL (whose insert
 * writes each column as an array literal): text holding quotes, backslashes, braces,
 * commas, the word NULL, spaces, line breaks and any other character the schema allows;
 * numbers from the tiniest to the largest; nulls and booleans in every place.
 * (A lone UTF-16 surrogate half cannot be stored as UTF-8: PostgreSQL gets U+FFFD, below.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-roundtrip-'));
let postgres: TestPostgres;
const stores: Record<string, MetricStore> = {};

beforeAll(async () => {
  postgres = await startTestPostgres();
  stores.sqlite = await openStore(`sqlite:${join(dir, 'roundtrip.sqlite')}`);
  stores.postgres = await openStore(postgres.url);
}, 120_000);
afterAll(async () => {
  for (const store of Object.values(stores)) await store.close();
  await postgres?.remove();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const awkward = fc.constantFrom(
  'NULL',
  'null',
  '',
  ' ',
  '"',
  '\\',
  '\\"',
  '{}',
  '{a,b}',
  ',',
  'a b',
  '\n\t\r',
  '\u{1F600}',
  '\u00e9',
  '\uFFFF',
  '\\ud800',
  '\\\\ud800',
);
const text = (min: number, max: number) =>
  fc
    .array(fc.oneof(awkward, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 6 })
    // Cut to the schema's length (UTF-16 units) without splitting a character: a lone
    // surrogate half cannot be stored as UTF-8 by either backend.
    .map((pieces) =>
      pieces
        .join('')
        .replaceAll('\u0000', '')
        .slice(0, max)
        .replace(/[\ud800-\udbff]$/, ''),
    )
    .filter((s) => s.length >= min);
const measure = fc.oneof(
  fc.constantFrom(0, 5e-324, 1e-300, 0.1, 1 / 3, 123.456789012345, 1e15, 1.7976931348623157e308),
  fc.double({ min: 0, max: 1e9, noNaN: true }).map((x) => x + 0),
);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const count = fc.oneof(fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER), fc.nat());

const template = fixtureRecords(1)[0] as RequestMetric;
const arbitraryRecord = fc.record({
  model: text(1, 512),
  endpoint: text(1, 512),
  project: nullable(text(1, 512)),
  error_message: nullable(text(0, 500)),
  done_reason: nullable(text(0, 64)),
  switched_from: nullable(text(1, 512)),
  stream: fc.boolean(),
  success: fc.boolean(),
  cold_start: nullable(fc.boolean()),
  latency_ms: measure,
  ttft_ms: nullable(measure),
  tokens_per_second: nullable(measure),
  eval_count: nullable(count),
  concurrency: nullable(fc.integer({ min: 1, max: 1_000_000 })),
  output_chunks: nullable(count),
  decode_ms: nullable(measure),
});

let run = 0;
describe.each(['sqlite', 'postgres'])('records round-trip through the store on %s', (backend) => {
  it('gives back every field exactly as it went in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRecord, { minLength: 1, maxLength: 12 }), async (fields) => {
        run++;
        const records = fields.map(
          (f, i): RequestMetric => ({ ...template, ...f, id: `rt-${run}-${i}`, ts: template.ts + run * 1000 + i }),
        );
        for (const r of records) expect(requestMetricSchema.safeParse(r).success).toBe(true);
        const store = stores[backend] as MetricStore;
        expect((await store.insert(records)).inserted).toBe(records.length);
        const from = records[0]?.ts as number;
        expect(await store.records({ from, to: from + records.length })).toEqual(records);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a lone surrogate half on PostgreSQL', () => {
  it('is stored as U+FFFD, and its batch goes in', async () => {
    const store = stores.postgres as MetricStore;
    const record = { ...template, id: 'lone-half', ts: template.ts - 1, model: 'a\ud800b', switched_from: '\\ud800' };
    expect((await store.insert([record])).inserted).toBe(1);
    expect(await store.records({ from: record.ts, to: record.ts + 1 })).toEqual([{ ...record, model: 'a\ufffdb' }]);
  });
});
