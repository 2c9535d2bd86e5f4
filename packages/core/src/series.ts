/**
 * Breakdowns of one model's records for `GET /stats/:model`: an hourly time series and
 * buckets by prompt size (how speed changes as prompts grow).
 */
import { GroupAccumulator, groupBy } from './summarize.js';
import type { RequestMetric } from './schema.js';
import type { HourlyPoint, PromptTokenBucket } from './summary-schema.js';

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
  const groups = groupBy(records, (r) => String(Math.floor(r.ts / HOUR_MS) * HOUR_MS));
  if (groups.size === 0) return [];
  const starts = [...groups.keys()].map(Number);
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const hours =
    (last - first) / HOUR_MS <= MAX_FILLED_HOURS
      ? Array.from({ length: (last - first) / HOUR_MS + 1 }, (_, i) => first + i * HOUR_MS)
      : starts.sort((a, b) => a - b);
  return hours.map((start) => ({
    hour: new Date(start).toISOString(),
    start,
    ...(groups.get(String(start)) ?? new GroupAccumulator()).summary(),
  }));
}

/** Prompt-size buckets of `by_prompt_tokens`: `[min, max]` tokens, `max` null = no bound. */
export const PROMPT_TOKEN_BUCKETS: ReadonlyArray<readonly [number, number | null]> = [
  [0, 255],
  [256, 1023],
  [1024, 4095],
  [4096, 16383],
  [16384, null],
];

/**
 * The figures per prompt-size bucket (records whose `prompt_eval_count` is known).
 * Every bucket is listed, empty ones with zero requests.
 */
export function byPromptTokens(records: Iterable<RequestMetric>): PromptTokenBucket[] {
  const groups = PROMPT_TOKEN_BUCKETS.map(() => new GroupAccumulator());
  for (const record of records) {
    const tokens = record.prompt_eval_count;
    if (tokens === null) continue;
    const index = PROMPT_TOKEN_BUCKETS.findIndex(([, max]) => max === null || tokens <= max);
    (groups[index] as GroupAccumulator).add(record);
  }
  return PROMPT_TOKEN_BUCKETS.map(([min, max], i) => ({
    bucket: max === null ? `${min}+` : `${min}-${max}`,
    min,
    max,
    ...(groups[i] as GroupAccumulator).summary(),
  }));
}
