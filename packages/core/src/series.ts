/**
 * The time series of `GET /stats/:model` and `/stats?series=hourly|daily`: the figures of
 * each UTC hour or day over all models, and a compact line per model (`series_by_model`).
 */
import { GroupAccumulator, groupBy } from './group.js';
import type { RequestMetric } from './schema.js';
import type { DailyPoint, GroupSummary, HourlyPoint, ModelSeriesPoint } from './summary-schema.js';

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
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
  return seriesStarts(starts, HOUR_MS);
}

/** {@link seriesHours} for periods of `step` ms (hours or days). */
export function seriesStarts(starts: readonly number[], step: number): number[] {
  if (starts.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const start of starts) {
    if (start < first) first = start;
    if (start > last) last = start;
  }
  return (last - first) / HOUR_MS <= MAX_FILLED_HOURS
    ? Array.from({ length: (last - first) / step + 1 }, (_, i) => first + i * step)
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

/** Start (epoch ms) of the UTC day holding `ts`. */
export function dayStartOf(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/**
 * The daily series of groups keyed by day start (from records or from rollups): each day of
 * the span, empty days filled with `empty`.
 */
export function dailySeries(
  byDay: ReadonlyMap<number, { summary(): GroupSummary }>,
  empty: GroupSummary,
): DailyPoint[] {
  return seriesStarts([...byDay.keys()], DAY_MS).map((start) => ({
    day: new Date(start).toISOString().slice(0, 10),
    start,
    ...(byDay.get(start)?.summary() ?? empty),
  }));
}

/**
 * The figures of each UTC day from the first record's day to the last one's.
 *
 * @example
 * daily(records).map((p) => [p.day, p.requests])
 */
export function daily(records: Iterable<RequestMetric>): DailyPoint[] {
  const groups = groupBy(records, (r) => String(dayStartOf(r.ts)));
  const byDay = new Map<number, { summary(): GroupSummary }>();
  for (const [start, group] of groups) byDay.set(Number(start), group);
  return dailySeries(byDay, new GroupAccumulator().summary());
}

/** The point of one model's line for one period. */
export function modelSeriesPoint(start: number, summary: GroupSummary): ModelSeriesPoint {
  // Read when the Summary has it (stream timing, record schema 3), null before.
  const observed = (summary as { observed_tokens_per_second?: { p50: number | null } }).observed_tokens_per_second;
  return {
    start,
    requests: summary.requests,
    failed: summary.failed,
    tokens_per_second_p50: summary.tokens_per_second.p50,
    observed_tokens_per_second_p50: observed?.p50 ?? null,
    latency_ms_p50: summary.latency_ms.p50,
    latency_ms_p95: summary.latency_ms.p95,
  };
}

/**
 * `series_by_model` from groups keyed by model, then by period start: per model (sorted), the
 * points of the periods it has requests in, oldest first.
 */
export function seriesByModelOf(
  groups: ReadonlyMap<string, ReadonlyMap<number, { summary(): GroupSummary }>>,
): Record<string, ModelSeriesPoint[]> {
  const out: Record<string, ModelSeriesPoint[]> = {};
  for (const model of [...groups.keys()].sort()) {
    const periods = groups.get(model) as ReadonlyMap<number, { summary(): GroupSummary }>;
    out[model] = [...periods.keys()]
      .sort((a, b) => a - b)
      .map((start) => modelSeriesPoint(start, (periods.get(start) as { summary(): GroupSummary }).summary()));
  }
  return out;
}

/** `series_by_model` of records, by the periods `periodStartOf` gives (hours or days). */
export function seriesByModel(
  records: Iterable<RequestMetric>,
  periodStartOf: (ts: number) => number,
): Record<string, ModelSeriesPoint[]> {
  const groups = new Map<string, Map<number, GroupAccumulator>>();
  for (const [model, group] of groupBy(records, (r) => r.model)) {
    const byPeriod = new Map<number, GroupAccumulator>();
    for (const [start, accumulator] of groupBy(group.records(), (r) => String(periodStartOf(r.ts))))
      byPeriod.set(Number(start), accumulator);
    groups.set(model, byPeriod);
  }
  return seriesByModelOf(groups);
}
