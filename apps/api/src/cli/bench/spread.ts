/**
 * Median and spread of a figure over a benchmark's runs: the median, the interquartile
 * range (p25–p75, R-7 as everywhere in ollama-perf), min, max and the sample standard
 * deviation (llama-bench's "± sd").
 */
import { ascending, percentile } from '@ollama-perf/core';

/** A figure over runs; every number null when no run measured it. */
export interface Spread {
  n: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
  min: number | null;
  max: number | null;
  sd: number | null;
}

/**
 * The spread of `values`, ignoring nulls.
 *
 * @example
 * spreadOf([40, 42, 44, null]) // { n: 3, median: 42, p25: 41, p75: 43, min: 40, max: 44, sd: 2 }
 */
export function spreadOf(values: ReadonlyArray<number | null>): Spread {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort(ascending);
  const n = sorted.length;
  if (n === 0) return { n, median: null, p25: null, p75: null, min: null, max: null, sd: null };
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    median: percentile(sorted, 50),
    p25: percentile(sorted, 25),
    p75: percentile(sorted, 75),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    sd: Math.sqrt(variance),
  };
}
