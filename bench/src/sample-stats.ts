/**
 * Small statistics helpers of the benchmarks: medians over rounds, percentiles of latency
 * samples, paired ratios and differences. Written here on purpose rather than taken from
 * `@ollama-perf/core`: the stats benchmark checks core's numbers against these.
 */

/**
 * The `p`-th percentile (0–100) of values sorted ascending, by linear interpolation
 * between closest ranks (R-7, numpy's default); `NaN` when there are none.
 *
 * @example
 * percentileOfSorted([10, 20, 30, 40, 50], 95) // 48
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = ((n - 1) * p) / 100;
  const lo = Math.floor(rank);
  const low = sorted[lo] as number;
  if (lo >= n - 1) return sorted[n - 1] as number;
  const high = sorted[lo + 1] as number;
  return low + (rank - lo) * (high - low);
}

/** Values sorted ascending, as a new Float64Array (numeric sort, no comparator needed). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** The median of some values (any order); `NaN` when there are none. */
export function median(values: ArrayLike<number>): number {
  return percentileOfSorted(sortedCopy(values), 50);
}

/** The arithmetic mean; `NaN` when there are none. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Latency figures of one run, ms. */
export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarizes latency samples (ms). */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortedCopy(samples);
  return {
    count: sorted.length,
    mean: mean(sorted),
    min: sorted.length === 0 ? Number.NaN : (sorted[0] as number),
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}

/**
 * The median over rounds of `pick(candidate) op pick(baseline)`, pairing figures of the
 * same round: a drift of the machine between rounds then cancels out.
 *
 * @example
 * pairedMedian(rounds, (r) => r.gateway.p50, (r) => r.bare.p50, 'difference')
 */
export function pairedMedian<T>(
  rounds: readonly T[],
  candidate: (round: T) => number,
  baseline: (round: T) => number,
  op: 'ratio' | 'difference',
): number {
  const values = rounds.map((round) =>
    op === 'ratio' ? candidate(round) / baseline(round) : candidate(round) - baseline(round),
  );
  return median(values.filter(Number.isFinite));
}

/** `|actual − exact| / |exact|`, 0 when both are equal (including both 0), `Infinity` when only `exact` is 0. */
export function relativeError(actual: number, exact: number): number {
  if (actual === exact) return 0;
  if (exact === 0) return Number.POSITIVE_INFINITY;
  return Math.abs(actual - exact) / Math.abs(exact);
}
