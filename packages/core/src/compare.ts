/**
 * `GET /stats/compare`: the key figures of each model in a window against a baseline window,
 * and whether each change is beyond noise. The test works on sketches (rollups) as well as on
 * records, since both windows' figures are {@link GroupAggregate}s.
 */
import { GroupAggregate } from './aggregate.js';
import { type LogSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';
import {
  COMPARE_FIGURES,
  type CompareFigure,
  type Comparison,
  type FigureComparison,
  type ModelComparison,
  STAT_FIELDS,
  type StatField,
} from './summary-schema.js';

/** Fewer samples than this in either window: never beyond noise. */
export const MIN_COMPARE_SAMPLES = 5;
/** A relative change smaller than this is never beyond noise, however many samples. */
export const MIN_COMPARE_CHANGE = 0.05;
// Two-sided 95%.
const Z = 1.96;

/** How `beyond_noise` is decided: the `method` of the answer. */
export const COMPARE_METHOD =
  `percentiles: distribution-free 95% confidence interval of the quantile q from order statistics ` +
  `(quantiles q ± 1.96·√(q(1−q)/n) of each window, read from its sketch and widened by the sketch's ` +
  `relative accuracy ±${SKETCH_RELATIVE_ACCURACY}); beyond noise when the two windows' intervals do not ` +
  `overlap and the relative change is at least ${MIN_COMPARE_CHANGE * 100}%. error_rate: two-proportion ` +
  `z-test, |z| ≥ ${Z}. Fewer than ${MIN_COMPARE_SAMPLES} samples in either window: not beyond noise.`;

/** Per figure: the stat field it is read from, its quantile, and whether higher is better. */
const PERCENTILE_FIGURES: Record<
  Exclude<CompareFigure, 'error_rate'>,
  { field: string; q: number; higherIsBetter: boolean }
> = {
  tokens_per_second_p50: { field: 'tokens_per_second', q: 0.5, higherIsBetter: true },
  observed_tokens_per_second_p50: { field: 'observed_tokens_per_second', q: 0.5, higherIsBetter: true },
  prompt_tokens_per_second_p50: { field: 'prompt_tokens_per_second', q: 0.5, higherIsBetter: true },
  ttft_ms_p50: { field: 'ttft_ms', q: 0.5, higherIsBetter: false },
  latency_ms_p50: { field: 'latency_ms', q: 0.5, higherIsBetter: false },
  latency_ms_p95: { field: 'latency_ms', q: 0.95, higherIsBetter: false },
  cold_load_ms_p50: { field: 'cold_load_ms', q: 0.5, higherIsBetter: false },
};

/** A quantile and its 95% confidence interval (null when the sketch is empty). */
interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

/** The quantile `q` of a sketch with its distribution-free 95% interval, widened by the sketch's accuracy. */
export function quantileInterval(sketch: LogSketch, q: number): Estimate | null {
  const n = sketch.count;
  if (n === 0) return null;
  const half = Z * Math.sqrt((q * (1 - q)) / n);
  const [low, value, high] = sketch.quantiles([q - half, q, q + half]) as [number, number, number];
  return { value, low: low * (1 - SKETCH_RELATIVE_ACCURACY), high: high * (1 + SKETCH_RELATIVE_ACCURACY), n };
}

function relativeChange(current: number | null, baseline: number | null): number | null {
  if (current === null || baseline === null || baseline === 0) return null;
  return (current - baseline) / baseline;
}

function percentileFigure(current: GroupAggregate, baseline: GroupAggregate, figure: keyof typeof PERCENTILE_FIGURES) {
  const { field, q, higherIsBetter } = PERCENTILE_FIGURES[figure];
  // A field this build of core does not know yet (stream timing) compares as unknown.
  const index = STAT_FIELDS.indexOf(field as StatField);
  const now = index === -1 ? null : quantileInterval(current.sketches[index] as LogSketch, q);
  const before = index === -1 ? null : quantileInterval(baseline.sketches[index] as LogSketch, q);
  const change = relativeChange(now?.value ?? null, before?.value ?? null);
  const beyond =
    now !== null &&
    before !== null &&
    change !== null &&
    Math.min(now.n, before.n) >= MIN_COMPARE_SAMPLES &&
    Math.abs(change) >= MIN_COMPARE_CHANGE &&
    (now.low > before.high || now.high < before.low);
  return verdict(now?.value ?? null, before?.value ?? null, change, beyond, higherIsBetter);
}

function errorRateFigure(current: GroupAggregate, baseline: GroupAggregate): FigureComparison {
  const rate = (g: GroupAggregate) => (g.requests === 0 ? null : (g.requests - g.succeeded) / g.requests);
  const now = rate(current);
  const before = rate(baseline);
  let beyond = false;
  if (now !== null && before !== null && Math.min(current.requests, baseline.requests) >= MIN_COMPARE_SAMPLES) {
    const pooled =
      (current.requests - current.succeeded + baseline.requests - baseline.succeeded) /
      (current.requests + baseline.requests);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / current.requests + 1 / baseline.requests));
    beyond = se > 0 && Math.abs(now - before) / se >= Z;
  }
  return verdict(now, before, relativeChange(now, before), beyond, false);
}

function verdict(
  current: number | null,
  baseline: number | null,
  change: number | null,
  beyondNoise: boolean,
  higherIsBetter: boolean,
): FigureComparison {
  const worse =
    beyondNoise && current !== null && baseline !== null && (higherIsBetter ? current < baseline : current > baseline);
  return { current, baseline, change, beyond_noise: beyondNoise, worse };
}

/** One model's figures in both windows (an absent window is an empty aggregate). */
export function compareModel(current: GroupAggregate, baseline: GroupAggregate): ModelComparison {
  const figures = {} as Record<CompareFigure, FigureComparison>;
  for (const figure of COMPARE_FIGURES)
    figures[figure] =
      figure === 'error_rate' ? errorRateFigure(current, baseline) : percentileFigure(current, baseline, figure);
  return {
    requests: { current: current.requests, baseline: baseline.requests },
    figures,
    regressed: Object.values(figures).some((f) => f.worse),
  };
}

/** The windows of a comparison, epoch ms. */
export interface CompareWindows {
  from: number;
  to: number;
  baseline_from: number;
  baseline_to: number;
}

/**
 * The comparison of every model in either window (keys sorted), from each window's figures
 * per model — built from records or merged from rollups alike.
 *
 * @example
 * compareWindows(windows, aggregatesByModel(thisWeek), aggregatesByModel(lastWeek)).models['llama3.2'].regressed
 */
export function compareWindows(
  windows: CompareWindows,
  current: ReadonlyMap<string, GroupAggregate>,
  baseline: ReadonlyMap<string, GroupAggregate>,
): Comparison {
  const models: Record<string, ModelComparison> = {};
  for (const model of [...new Set([...current.keys(), ...baseline.keys()])].sort())
    models[model] = compareModel(
      current.get(model) ?? new GroupAggregate(),
      baseline.get(model) ?? new GroupAggregate(),
    );
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    from: iso(windows.from),
    to: iso(windows.to),
    baseline_from: iso(windows.baseline_from),
    baseline_to: iso(windows.baseline_to),
    method: COMPARE_METHOD,
    models,
  };
}
