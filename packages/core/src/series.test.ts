import { describe, expect, it } from 'vitest';
import { DAY_MS, daily, dayStartOf, HOUR_MS, hourly, hourStartOf, seriesByModel } from './series.js';
import { record } from './test-support/records.js';

const D0 = Date.UTC(2026, 10, 27);
const RECORDS = [
  record({ id: 'a', model: 'llama3.2', ts: D0 + 5 * HOUR_MS, tokens_per_second: 40 }),
  record({ id: 'b', model: 'llama3.2', ts: D0 + 23 * HOUR_MS, tokens_per_second: 20, latency_ms: 300 }),
  record({
    id: 'c',
    model: 'qwen2.5:7b',
    ts: D0 + 2 * DAY_MS + 1,
    success: false,
    status: 500,
    error_type: 'upstream_error',
  }),
];

describe('daily', () => {
  it('lists every UTC day from first to last, empty days as zeros, with its date', () => {
    const points = daily(RECORDS);
    expect(points.map((p) => [p.day, p.start, p.requests])).toEqual([
      ['2026-11-27', D0, 2],
      ['2026-11-28', D0 + DAY_MS, 0],
      ['2026-11-29', D0 + 2 * DAY_MS, 1],
    ]);
    expect(points[0]?.tokens_per_second.p50).toBe(30);
  });

  it('adds up to the hourly series', () => {
    const total = (points: Array<{ requests: number }>) => points.reduce((n, p) => n + p.requests, 0);
    expect(total(daily(RECORDS))).toBe(total(hourly(RECORDS)));
  });
});

describe('seriesByModel', () => {
  it('gives each model the periods it has requests in, and only those', () => {
    const byDay = seriesByModel(RECORDS, dayStartOf);
    expect(Object.keys(byDay)).toEqual(['llama3.2', 'qwen2.5:7b']);
    expect(byDay['llama3.2']).toEqual([
      {
        start: D0,
        requests: 2,
        failed: 0,
        tokens_per_second_p50: 30,
        observed_tokens_per_second_p50: null,
        latency_ms_p50: 200,
        latency_ms_p95: 290,
      },
    ]);
    expect(byDay['qwen2.5:7b']?.map((p) => [p.start, p.failed])).toEqual([[D0 + 2 * DAY_MS, 1]]);
    expect(seriesByModel(RECORDS, hourStartOf)['llama3.2']?.map((p) => p.start)).toEqual([
      D0 + 5 * HOUR_MS,
      D0 + 23 * HOUR_MS,
    ]);
  });
});
