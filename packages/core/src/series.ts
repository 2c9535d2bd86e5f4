/** The hourly time series of `GET /stats/:model` (and `/stats?series=hourly`). */
import { GroupAccumulator, groupBy } from './group.js';
import type { RequestMetric } from './schema.js';
import type { GroupSummary, HourlyPoint } from './summary-schema.js';

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** Longest span (in hours) whose empty hours are filled in; wider series list only hours with records. */
export const MAX_FILLED_HOURS = 24 * 400;

/**
 * The figures of each UTC hour from the first record's hour to the last one's, hours
 * without records included (with zero requests) so charts show gaps as zeros — up to
 * {@link MAX_FILLED_HOURS}; a wider span lists only the hours that have records.
 *
 * @example
 * hourly(records).map((p) => [p.hour, p.requests, p.latency_ms.p95])
 */
export function hourly(records: Iterable<RequestMetric>): HourlyPoint[] {
  const groups = groupBy(records, (r) => String(hourStartOf(r.ts)));
  const byHour = new Map<number, { summary(): GroupSummary }>();
  for (const [start, group] of groups) byHour.set(Number(start), group);
  return hourlySeries(byHour, new GroupAccumulator().summary());
}

/** Start (epoch ms) of the UTC hour holding `ts`. */
export function hourStartOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/**
 * The hours a series lists, given the hours that have figures: each hour from the first to
 * the last, up to {@link MAX_FILLED_HOURS} of them; a wider span lists only `starts`, sorted.
 */
export function seriesHours(starts: readonly number[]): number[] {
  if (starts.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const start of starts) {
    if (start < first) first = start;
    if (start > last) last = start;
  }
  return (last - first) / HOUR_MS <= MAX_FILLED_HOURS
    ? Array.from({ length: (last - first) / HOUR_MS + 1 }, (_, i) => first + i * HOUR_MS)
    : [...starts].sort((a, b) => a - b);
}

/**
 * The hourly series of groups keyed by hour start (from records or from rollups): the
 * figures of each hour of {@link seriesHours}, empty hours filled with `empty`.
 */
export function hourlySeries(
  byHour: ReadonlyMap<number, { summary(): GroupSummary }>,
  empty: GroupSummary,
): HourlyPoint[] {
  return seriesHours([...byHour.keys()]).map((start) => ({
    hour: new Date(start).toISOString(),
    start,
    ...(byHour.get(start)?.summary() ?? empty),
  }));
}
