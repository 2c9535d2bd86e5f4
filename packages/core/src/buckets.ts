/**
 * Numeric breakdowns: records grouped into ranges of one value — prompt size for
 * `by_prompt_tokens` (how speed changes as prompts grow) and requests in flight for
 * `by_concurrency` (what load costs). Every bucket is listed, empty ones with zero requests.
 */

import { GroupAccumulator } from './group.js';
import type { RequestMetric } from './schema.js';
import type { BucketSummary, GroupSummary } from './summary-schema.js';

/** Inclusive `[min, max]` ranges, `max` null = no upper bound, in ascending order. */
export type BucketBounds = ReadonlyArray<readonly [number, number | null]>;

/** Prompt-size buckets of `by_prompt_tokens`. */
export const PROMPT_TOKEN_BUCKETS: BucketBounds = [
  [0, 255],
  [256, 1023],
  [1024, 4095],
  [4096, 16383],
  [16384, null],
];

/** Concurrency buckets of `by_concurrency`. */
export const CONCURRENCY_BUCKETS: BucketBounds = [
  [1, 1],
  [2, 2],
  [3, 4],
  [5, 8],
  [9, null],
];

/**
 * The figures of each bucket of `bounds` over the records whose `measure` is known and
 * inside a bucket.
 */
export function bucketBy(
  records: Iterable<RequestMetric>,
  measure: (r: RequestMetric) => number | null,
  bounds: BucketBounds,
): BucketSummary[] {
  const groups = bounds.map(() => new GroupAccumulator());
  for (const record of records) {
    const value = measure(record);
    if (value === null) continue;
    const index = bounds.findIndex(([min, max]) => value >= min && (max === null || value <= max));
    if (index !== -1) (groups[index] as GroupAccumulator).add(record);
  }
  return bucketSummaries(bounds, (i) => (groups[i] as GroupAccumulator).summary());
}

/** Every bucket of `bounds`, labelled, with the figures `summaryOf` gives for its index. */
export function bucketSummaries(bounds: BucketBounds, summaryOf: (index: number) => GroupSummary): BucketSummary[] {
  return bounds.map(([min, max], i) => ({
    bucket: max === null ? `${min}+` : min === max ? `${min}` : `${min}-${max}`,
    min,
    max,
    ...summaryOf(i),
  }));
}

/** The figures per prompt-size bucket (records whose `prompt_eval_count` is known). */
export function byPromptTokens(records: Iterable<RequestMetric>): BucketSummary[] {
  return bucketBy(records, (r) => r.prompt_eval_count, PROMPT_TOKEN_BUCKETS);
}

/** The figures per concurrency bucket (records whose `concurrency` is known). */
export function byConcurrency(records: Iterable<RequestMetric>): BucketSummary[] {
  return bucketBy(records, (r) => r.concurrency, CONCURRENCY_BUCKETS);
}
