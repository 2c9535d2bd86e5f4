import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byConcurrency, byPromptTokens } from './buckets.js';
import { NO_PROJECT } from './filter.js';
import { HOUR_MS, hourly } from './series.js';
import { summarize } from './summarize.js';
import { modelSummarySchema, summarySchema } from './summary-schema.js';
import { arbitraryRecord, record } from './test-support/records.js';

const T0 = Date.UTC(2026, 10, 27, 10, 0);

const RECORDS = [
  record({
    id: '1',
    ts: T0,
    model: 'a',
    project: 'alpha',
    latency_ms: 10,
    tokens_per_second: 50,
    cold_start: true,
    load_duration_ms: 800,
    prompt_eval_count: 10,
    eval_count: 20,
    ttft_ms: 5,
    stream: true,
  }),
  record({
    id: '2',
    ts: T0 + 1,
    model: 'a',
    project: 'alpha',
    latency_ms: 20,
    tokens_per_second: 60,
    load_duration_ms: 2,
    prompt_eval_count: 300,
    eval_count: 40,
    ttft_ms: 15,
    stream: true,
  }),
  record({
    id: '3',
    ts: T0 + 2,
    model: 'b',
    operation: 'generate',
    latency_ms: 30,
    status: 404,
    success: false,
    error_type: 'model_not_found',
    error_message: 'model "b" not found',
    tokens_per_second: null,
    load_duration_ms: null,
    cold_start: null,
    prompt_eval_count: null,
    eval_count: null,
  }),
  record({
    id: '4',
    ts: T0 + 2 * HOUR_MS,
    model: 'b',
    operation: 'embed',
    project: 'beta',
    latency_ms: 40,
    tokens_per_second: null,
    eval_count: null,
    prompt_eval_count: 5000,
  }),
  record({
    id: '5',
    ts: T0 + 2 * HOUR_MS + 5,
    model: 'a',
    latency_ms: 50,
    success: false,
    error_type: 'stream_error',
    tokens_per_second: 70,
  }),
];

describe('summarize', () => {
  const summary = summarize(RECORDS);

  it('counts requests, successes and failures', () => {
    expect(summary).toMatchObject({ from: null, to: null, requests: 5, succeeded: 3, failed: 2, success_rate: 0.6 });
  });

  it('computes R-7 stats over the records that have each value', () => {
    expect(summary.latency_ms).toEqual({
      count: 5,
      avg: 30,
      min: 10,
      max: 50,
      p50: 30,
      p95: 48,
      p99: expect.closeTo(49.6, 10),
    });
    expect(summary.tokens_per_second).toEqual({
      count: 3,
      avg: 60,
      min: 50,
      max: 70,
      p50: 60,
      p95: 69,
      p99: expect.closeTo(69.8, 10),
    });
    expect(summary.ttft_ms).toMatchObject({ count: 2, p50: 10 });
  });

  it.each([
    ['11 chunks over 500 ms', 11, 500, 20, 50],
    ['2 chunks over 40 ms', 2, 40, 25, 40],
    ['one chunk: no gap to time', 1, 0, null, null],
    ['chunks all seen at once', 5, 0, null, null],
    ['no chunks', 0, null, null, null],
    ['not a stream', null, null, null, null],
  ])('derives the observed pace of %s', (_, chunks, decode, rate, gap) => {
    const observed = summarize([record({ stream: chunks !== null, output_chunks: chunks, decode_ms: decode })]);
    expect(observed.observed_tokens_per_second.p50).toBe(rate);
    expect(observed.itl_ms.p50).toBe(gap);
  });

  it('summarizes the observed pace per request, beside Ollama’s own', () => {
    const paced = summarize([
      record({ output_chunks: 11, decode_ms: 500, tokens_per_second: 21 }),
      record({ output_chunks: 31, decode_ms: 1000, tokens_per_second: null }),
    ]);
    expect(paced.observed_tokens_per_second).toMatchObject({ count: 2, min: 20, max: 30, avg: 25 });
    expect(paced.itl_ms).toMatchObject({ count: 2, min: expect.closeTo(100 / 3, 9), max: 50 });
    expect(paced.tokens_per_second).toMatchObject({ count: 1, p50: 21 });
  });

  it('tells cold loads from warm ones', () => {
    expect(summary.cold_starts).toBe(1);
    expect(summary.cold_load_ms).toMatchObject({ count: 1, avg: 800 });
    expect(summary.warm_load_ms).toMatchObject({ count: 3, min: 1, max: 2 });
  });

  it('sums tokens and counts errors by type', () => {
    expect(summary.prompt_tokens).toBe(10 + 300 + 5000 + 20);
    expect(summary.generated_tokens).toBe(20 + 40 + 35);
    expect(summary.errors_by_type).toEqual({ model_not_found: 1, stream_error: 1 });
  });

  it('breaks down by model, operation and project with "(none)"', () => {
    expect(Object.keys(summary.by_model)).toEqual(['a', 'b']);
    expect(summary.by_model.a).toMatchObject({ requests: 3, succeeded: 2, failed: 1, latency_ms: { p50: 20 } });
    expect(Object.keys(summary.by_operation)).toEqual(['chat', 'embed', 'generate']);
    expect(Object.keys(summary.by_project)).toEqual([NO_PROJECT, 'alpha', 'beta']);
    expect(summary.by_project[NO_PROJECT]).toMatchObject({
      requests: 2,
      errors_by_type: { model_not_found: 1, stream_error: 1 },
    });
  });

  it('filters by time (from inclusive, to exclusive), operation, project and model', () => {
    const filtered = summarize(RECORDS, { from: T0 + 1, to: T0 + 2 * HOUR_MS });
    expect(filtered).toMatchObject({
      requests: 2,
      from: new Date(T0 + 1).toISOString(),
      to: new Date(T0 + 2 * HOUR_MS).toISOString(),
    });
    expect(summarize(RECORDS, { operation: 'chat' }).requests).toBe(3);
    expect(summarize(RECORDS, { project: NO_PROJECT }).requests).toBe(2);
    expect(summarize(RECORDS, { project: 'alpha', model: 'a' }).requests).toBe(2);
  });

  it('summarizes nothing as zeros and nulls', () => {
    const empty = summarize([]);
    expect(empty).toMatchObject({
      requests: 0,
      succeeded: 0,
      failed: 0,
      success_rate: null,
      by_model: {},
      errors_by_type: {},
    });
    expect(empty.latency_ms).toEqual({ count: 0, avg: null, min: null, max: null, p50: null, p95: null, p99: null });
  });

  it('produces the Summary JSON shape, and its groups add up', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { maxLength: 60 }), (records) => {
        const s = summarize(records);
        expect(summarySchema.safeParse(s).success).toBe(true);
        for (const groups of [s.by_model, s.by_operation, s.by_project]) {
          const values = Object.values(groups);
          expect(values.reduce((n, g) => n + g.requests, 0)).toBe(s.requests);
          expect(values.reduce((n, g) => n + g.failed, 0)).toBe(s.failed);
          expect(values.reduce((n, g) => n + g.latency_ms.count, 0)).toBe(s.latency_ms.count);
        }
        expect(Object.values(s.errors_by_type).reduce((n, c) => n + (c ?? 0), 0)).toBe(s.failed);
      }),
      { numRuns: 200 },
    );
  });

  it('reads an older server’s Summary, without the stream pace, with empty stats in its place', () => {
    const { observed_tokens_per_second: _o, itl_ms: _i, ...older } = summarize(RECORDS);
    const empty = { count: 0, avg: null, min: null, max: null, p50: null, p95: null, p99: null };
    const olderGroups = Object.fromEntries(
      Object.entries(older.by_model).map(([model, { observed_tokens_per_second: _a, itl_ms: _b, ...group }]) => [
        model,
        group,
      ]),
    );
    const read = summarySchema.parse({ ...older, by_model: olderGroups });
    expect(read.observed_tokens_per_second).toEqual(empty);
    expect(read.by_model.a?.itl_ms).toEqual(empty);
    expect(summarySchema.safeParse({ ...summarize(RECORDS), latency_ms: undefined }).success).toBe(false);
  });
});

describe('hourly', () => {
  it('lists every UTC hour from first to last, empty hours as zeros', () => {
    const points = hourly(RECORDS);
    expect(points.map((p) => [p.hour, p.requests])).toEqual([
      ['2026-11-27T10:00:00.000Z', 3],
      ['2026-11-27T11:00:00.000Z', 0],
      ['2026-11-27T12:00:00.000Z', 2],
    ]);
    expect(points[0]).toMatchObject({ start: T0, failed: 1, latency_ms: { p50: 20 } });
    expect(points[1]?.latency_ms.count).toBe(0);
  });

  it('lists only hours with records when the span is too wide to fill', () => {
    const points = hourly([record({ ts: 0 }), record({ ts: T0 })]);
    expect(points.map((p) => p.start)).toEqual([0, T0]);
  });

  it('is empty for no records', () => {
    expect(hourly([])).toEqual([]);
  });
});

describe('byPromptTokens', () => {
  it('buckets records by prompt size, skipping unknown sizes', () => {
    const buckets = byPromptTokens(RECORDS);
    expect(buckets.map((b) => [b.bucket, b.requests])).toEqual([
      ['0-255', 2],
      ['256-1023', 1],
      ['1024-4095', 0],
      ['4096-16383', 1],
      ['16384+', 0],
    ]);
    expect(buckets[4]).toMatchObject({ min: 16384, max: null });
  });

  it('fits the /stats/:model schema together with hourly', () => {
    const summary = {
      ...summarize(RECORDS, { model: 'a' }),
      model: 'a',
      hourly: hourly(RECORDS),
      by_prompt_tokens: byPromptTokens(RECORDS),
    };
    expect(modelSummarySchema.parse(summary)).toEqual(summary);
  });
});

describe('model switching and concurrency', () => {
  const records = [
    record({ id: 'a', model: 'a', cold_start: true, load_duration_ms: 900, switched_from: null, concurrency: 1 }),
    record({
      id: 'b',
      model: 'b',
      cold_start: true,
      load_duration_ms: 4000,
      switched_from: 'a',
      concurrency: 1,
      latency_ms: 300,
    }),
    record({
      id: 'c',
      model: 'a',
      cold_start: true,
      load_duration_ms: 5000,
      switched_from: 'b',
      concurrency: 2,
      latency_ms: 500,
    }),
    record({ id: 'd', model: 'a', cold_start: false, load_duration_ms: 2, concurrency: 4, latency_ms: 700 }),
    record({ id: 'e', model: 'a', concurrency: 12, latency_ms: 900 }),
    record({ id: 'f', model: 'a', concurrency: null }),
  ];
  const summary = summarize(records);

  it('counts switches and keeps switch loads apart from other cold loads', () => {
    expect(summary.switches).toBe(2);
    expect(summary.cold_starts).toBe(3);
    expect(summary.cold_load_ms).toMatchObject({ count: 1, avg: 900 });
    expect(summary.switch_load_ms).toMatchObject({ count: 2, min: 4000, max: 5000 });
    expect(summary.by_model.a?.switches).toBe(1);
  });

  it('breaks requests down by concurrency at arrival (1, 2, 3–4, 5–8, 9+)', () => {
    expect(summary.by_concurrency.map((b) => [b.bucket, b.requests])).toEqual([
      ['1', 2],
      ['2', 1],
      ['3-4', 1],
      ['5-8', 0],
      ['9+', 1],
    ]);
    expect(byConcurrency(records)[4]).toMatchObject({ min: 9, max: null, latency_ms: { p50: 900 } });
  });
});
