/**
 * How far one Summary JSON is from another: the check that keeps rollup answers honest.
 * Walks both values together; percentiles (`p50`, `p95`, `p99`, and `*_p50`… of series points)
 * may differ by a relative tolerance, means (`avg`, the time breakdown's) by floating-point
 * summation order, everything else must be equal.
 */

/** Largest relative difference of a mean: sums taken in another order round differently. */
const MEAN_TOLERANCE = 1e-9;
const isPercentile = (key: string): boolean => /(?:^|_)p(?:50|95|99)$/.test(key);
const MEAN_KEYS = new Set(['avg', 'load_ms', 'prompt_eval_ms', 'generation_ms', 'other_ms']);

/** Relative difference of two numbers (absolute when the expected one is 0). */
export function relativeDifference(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

/** Result of {@link summaryDifferences}. */
export interface SummaryComparison {
  /** Paths whose values differ beyond what is allowed, with both values. Empty: the summaries agree. */
  differences: string[];
  /** Percentiles compared, and the largest relative difference among them. */
  percentiles: number;
  maxPercentileError: number;
}

/**
 * Compares `actual` with `expected` (any JSON values, typically Summary objects).
 *
 * @example
 * summaryDifferences(await store.summary(), summarize(records), 0.01).differences // []
 */
export function summaryDifferences(actual: unknown, expected: unknown, percentileTolerance: number): SummaryComparison {
  const result: SummaryComparison = { differences: [], percentiles: 0, maxPercentileError: 0 };
  const walk = (a: unknown, e: unknown, path: string, key: string): void => {
    if (typeof e === 'number' && typeof a === 'number') {
      const difference = relativeDifference(a, e);
      const percentile = isPercentile(key);
      if (percentile) {
        result.percentiles++;
        result.maxPercentileError = Math.max(result.maxPercentileError, difference);
      }
      const allowed = percentile ? percentileTolerance : MEAN_KEYS.has(key) ? MEAN_TOLERANCE : 0;
      if (difference > allowed) result.differences.push(`${path}: ${a} ≠ ${e}`);
      return;
    }
    if (
      typeof e === 'object' &&
      e !== null &&
      typeof a === 'object' &&
      a !== null &&
      Array.isArray(a) === Array.isArray(e)
    ) {
      const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
      for (const k of keys)
        walk((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], `${path}.${k}`, k);
      return;
    }
    if (a !== e) result.differences.push(`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(e)}`);
  };
  walk(actual, expected, '$', '');
  return result;
}
