/**
 * A mergeable quantile sketch with a fixed relative error (the DDSketch idea): non-negative
 * values are counted in logarithmic buckets `(γ^(i-1), γ^i]`, so any two sketches merge by
 * adding counts, however many records each summarizes. Count, sum, min and max are kept
 * exactly; percentiles follow the same R-7 rule as {@link percentile}, with each of the two
 * ranks it interpolates between read from its bucket — so every percentile is within
 * {@link SKETCH_RELATIVE_ACCURACY} of the exact one.
 */
import type { Stat } from './percentile.js';
import { EMPTY_STAT } from './percentile.js';

/**
 * Largest relative error of a percentile read from a sketch (0.9%: under the 1% DESIGN.md
 * allows, with room for floating-point rounding at bucket edges).
 */
export const SKETCH_RELATIVE_ACCURACY = 0.009;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
// Every positive double has an index within ±(1075·ln 2 / ln γ) ≈ ±41 400.
const MAX_INDEX = Math.ceil((1100 * Math.LN2) / LOG_GAMMA);

/** The bucket index of a positive value. */
export function bucketIndexOf(value: number): number {
  // `| 0` turns the -0 of ceil(-0.4) into 0 (indices are well inside int32).
  return Math.ceil(Math.log(value) / LOG_GAMMA) | 0;
}

/** The value a bucket stands for: the point whose relative distance to both bucket edges is the same. */
export function bucketValueOf(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

const PERCENTILES = [50, 95, 99] as const;

/** The exact figures of a sketch, apart from its buckets. */
export interface PackedTotals {
  count: number;
  sum: number;
  min: number;
  max: number;
  zeros: number;
}

/** Buckets kept in a Map until there are this many; then in a dense array. */
const SPARSE_LIMIT = 64;

/**
 * A quantile sketch of one measure. Its buckets start sparse (a Map: a rollup part of a few
 * records costs a few entries) and turn dense — a typed array spanning the lowest to the
 * highest bucket — once there are many, which makes merging thousands of parts cheap.
 */
export class LogSketch {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Values that are exactly 0 (no logarithm). */
  zeros = 0;
  private sparse: Map<number, number> | null = null;
  // Dense: counts[i] holds bucket `offset + i`; grown on demand in both directions.
  private offset = 0;
  private counts: Float64Array | null = null;

  /** Adds one value (finite, ≥ 0; anything else is refused). */
  add(value: number): void {
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY))
      throw new RangeError(`a sketch takes finite values ≥ 0, got ${value}`);
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) this.zeros++;
    else this.addToBucket(bucketIndexOf(value), 1);
  }

  /** Adds `count` values to bucket `index` (decoding, merging). Count, sum, min and max are the caller's. */
  addToBucket(index: number, count: number): void {
    if (!(index >= -MAX_INDEX && index <= MAX_INDEX)) throw new RangeError(`bucket index out of range: ${index}`);
    const counts = this.counts;
    if (counts !== null) {
      let slot = index - this.offset;
      if (slot < 0 || slot >= counts.length) slot = this.grow(index);
      (this.counts as Float64Array)[slot] = ((this.counts as Float64Array)[slot] as number) + count;
      return;
    }
    const sparse = this.sparse ?? new Map<number, number>();
    this.sparse = sparse;
    sparse.set(index, (sparse.get(index) ?? 0) + count);
    if (sparse.size > SPARSE_LIMIT) this.densify(sparse);
  }

  /** Adds the exact figures (count, sum, extremes, zeros) of some values whose buckets are added separately. */
  addTotals(count: number, sum: number, min: number, max: number, zeros: number): void {
    this.count += count;
    this.sum += sum;
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
    this.zeros += zeros;
  }

  /** Adds every value of `other` to this sketch. */
  merge(other: LogSketch): void {
    if (other.count === 0) return;
    this.addTotals(other.count, other.sum, other.min, other.max, other.zeros);
    const counts = other.counts;
    if (counts !== null) {
      for (let i = 0; i < counts.length; i++)
        if (counts[i] !== 0) this.addToBucket(other.offset + i, counts[i] as number);
    } else if (other.sparse !== null) for (const [index, count] of other.sparse) this.addToBucket(index, count);
  }

  /** A copy: adding to it leaves this sketch as it is (a cached sketch is merged on from copies). */
  clone(): LogSketch {
    const copy = new LogSketch();
    copy.addTotals(this.count, this.sum, this.min, this.max, this.zeros);
    copy.sparse = this.sparse === null ? null : new Map(this.sparse);
    copy.offset = this.offset;
    copy.counts = this.counts === null ? null : this.counts.slice();
    return copy;
  }

  /**
   * Adds values given as exact totals plus `n` (index, count) bucket pairs — a decoded
   * sketch, without making it an object first.
   */
  mergePacked(totals: PackedTotals, indices: Int32Array, counts: Float64Array, n: number): void {
    if (totals.count === 0) return;
    this.addTotals(totals.count, totals.sum, totals.min, totals.max, totals.zeros);
    if (n === 0) return;
    if (this.counts === null && (this.sparse?.size ?? 0) + n <= SPARSE_LIMIT) {
      for (let i = 0; i < n; i++) this.addToBucket(indices[i] as number, counts[i] as number);
      return;
    }
    // The hot loop of merging stored rollups: make room once (indices are ascending), then add.
    if (this.counts === null) this.densify(this.sparse ?? new Map(), indices[0] as number, indices[n - 1] as number);
    this.addToBucket(indices[0] as number, 0);
    this.addToBucket(indices[n - 1] as number, 0);
    const dense = this.counts as Float64Array;
    const offset = this.offset;
    for (let i = 0; i < n; i++) {
      const slot = (indices[i] as number) - offset;
      dense[slot] = (dense[slot] as number) + (counts[i] as number);
    }
  }

  /** The non-empty buckets, lowest first, as [index, count] pairs flattened. */
  buckets(): number[] {
    const out: number[] = [];
    if (this.counts !== null) {
      const counts = this.counts;
      for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) out.push(this.offset + i, counts[i] as number);
    } else if (this.sparse !== null) {
      for (const index of [...this.sparse.keys()].sort((a, b) => a - b))
        out.push(index, this.sparse.get(index) as number);
    }
    return out;
  }

  /** Count, mean, extremes (exact) and p50/p95/p99 (within {@link SKETCH_RELATIVE_ACCURACY}). */
  stat(): Stat {
    if (this.count === 0) return { ...EMPTY_STAT };
    const n = this.count;
    const [p50, p95, p99] = this.atRanks(PERCENTILES.map((p) => ((n - 1) * p) / 100));
    return {
      count: n,
      avg: this.sum / n,
      min: this.min,
      max: this.max,
      p50: p50 ?? null,
      p95: p95 ?? null,
      p99: p99 ?? null,
    };
  }

  /**
   * The R-7 quantile at each of `qs` (fractions in [0, 1], ascending), within
   * {@link SKETCH_RELATIVE_ACCURACY}; an empty array when the sketch is empty.
   *
   * @example
   * sketch.quantiles([0.45, 0.5, 0.55]) // a median and the values around it
   */
  quantiles(qs: readonly number[]): number[] {
    if (this.count === 0) return [];
    const n = this.count;
    return this.atRanks(qs.map((q) => (n - 1) * Math.min(1, Math.max(0, q))));
  }

  // the value at a fractional rank interpolates between ranks ⌊rank⌋ and the next.
  private atRanks(ranks: readonly number[]): number[] {
    const n = this.count;
    const whole: number[] = [];
    for (const rank of ranks) {
      const lo = Math.floor(rank);
      whole.push(lo, Math.min(lo + 1, n - 1));
    }
    const values = this.valuesAtRanks(whole);
    return ranks.map((rank, i) => {
      const low = values[2 * i] as number;
      const high = values[2 * i + 1] as number;
      return low + (rank - Math.floor(rank)) * (high - low);
    });
  }

  /** The value at each 0-based rank (ascending ranks): exact at the ends, a bucket's value in between. */
  private valuesAtRanks(ranks: number[]): number[] {
    // Dense buckets are walked in place (this runs for every stat of every hour of a series);
    // sparse ones are few, and listed in order first.
    const pairs = this.counts === null ? this.buckets() : null;
    const bucketCount = pairs === null ? (this.counts as Float64Array).length : pairs.length / 2;
    const countAt = (i: number) =>
      pairs === null ? ((this.counts as Float64Array)[i] as number) : (pairs[2 * i + 1] as number);
    const indexAt = (i: number) => (pairs === null ? this.offset + i : (pairs[2 * i] as number));
    const out: number[] = [];
    let seen = this.zeros;
    let next = 0;
    for (const rank of ranks) {
      if (rank === 0) out.push(this.min);
      else if (rank === this.count - 1) out.push(this.max);
      else if (rank < this.zeros) out.push(0);
      else {
        while (seen <= rank && next < bucketCount) seen += countAt(next++);
        const value = bucketValueOf(indexAt(next - 1));
        out.push(Math.min(this.max, Math.max(this.min, value)));
      }
    }
    return out;
  }

  /** Turns sparse buckets dense, spanning at least `from`..`to` too when given. */
  private densify(sparse: Map<number, number>, from = Number.POSITIVE_INFINITY, to = Number.NEGATIVE_INFINITY): void {
    let low = from;
    let high = to;
    for (const index of sparse.keys()) {
      if (index < low) low = index;
      if (index > high) high = index;
    }
    this.offset = low;
    this.counts = new Float64Array(high - low + 1);
    for (const [index, count] of sparse) this.counts[index - low] = count;
    this.sparse = null;
  }

  private grow(index: number): number {
    const counts = this.counts as Float64Array;
    const low = Math.min(this.offset, index);
    const high = Math.max(this.offset + counts.length - 1, index);
    // Grow by at least half again, so n inserts at widening edges cost O(n) copies overall.
    const extra = Math.max(high - low + 1, Math.ceil(counts.length * 1.5)) - (high - low + 1);
    const newLow = index < this.offset ? low - extra : low;
    const grown = new Float64Array(high - newLow + 1 + (index < this.offset ? 0 : extra));
    grown.set(counts, this.offset - newLow);
    this.counts = grown;
    this.offset = newLow;
    return index - newLow;
  }
}
