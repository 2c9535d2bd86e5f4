/**
 * Percentiles by linear interpolation between closest ranks (Hyndman & Fan R-7: numpy's
 * default, Excel's PERCENTILE.INC) and the stat object every summary is made of.
 */

/**
 * The `p`-th percentile (0–100) of values **already sorted ascending**; `null` when empty.
 * One value gives that value for every `p`; the result never leaves [min, max].
 *
 * @example
 * percentile([10, 20, 30, 40, 50], 95) // 48
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be within [0, 100], got ${p}`);
  const rank = ((n - 1) * p) / 100;
  const lo = Math.floor(rank);
  const low = sorted[lo] as number;
  if (lo >= n - 1) return sorted[n - 1] as number;
  const high = sorted[lo + 1] as number;
  const value = low + (rank - lo) * (high - low);
  // Floating-point rounding must not push an interpolated value past its neighbours.
  return Math.min(high, Math.max(low, value));
}

/** Count, mean, extremes and p50/p95/p99 of one measure. Every field but `count` is `null` when empty. */
export interface Stat {
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** The stat of no values. */
export const EMPTY_STAT: Readonly<Stat> = Object.freeze({
  count: 0,
  avg: null,
  min: null,
  max: null,
  p50: null,
  p95: null,
  p99: null,
});

/**
 * The {@link Stat} of some values (any order; `null`s and non-finite values are skipped).
 *
 * @example
 * statOf([30, 10, null, 20]) // { count: 3, avg: 20, min: 10, max: 30, p50: 20, p95: 29, p99: 29.8 }
 */
export function statOf(values: Iterable<number | null | undefined>): Stat {
  const finite: number[] = [];
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) finite.push(value);
  // A typed array sorts numerically without a comparator call per comparison: several times faster.
  return statOfSorted(Float64Array.from(finite).sort());
}

/** The {@link Stat} of finite values already sorted ascending (no copy is made). */
export function statOfSorted(sorted: ArrayLike<number>): Stat {
  const count = sorted.length;
  if (count === 0) return { ...EMPTY_STAT };
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i] as number;
  return {
    count,
    avg: sum / count,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Comparator for ascending numeric sort. */
export function ascending(a: number, b: number): number {
  return a - b;
}
