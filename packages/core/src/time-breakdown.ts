/**
 * Where a request's time went (load, prompt evaluation, generation, the rest), derived from
 * the exact sums every stat object carries (avg × count), so a summary built from records and
 * one merged from rollups give the same breakdown without storing anything more.
 */
import type { Stat } from './percentile.js';
import type { TimeBreakdown } from './summary-schema.js';

/** The stat objects a breakdown is derived from. */
export interface TimingStats {
  total_duration_ms: Stat;
  load_duration_ms: Stat;
  prompt_eval_duration_ms: Stat;
  eval_duration_ms: Stat;
}

const sumOf = (stat: Stat): number => (stat.count === 0 || stat.avg === null ? 0 : stat.avg * stat.count);

/**
 * Mean milliseconds per timed request (one with `total_duration_ms`) spent loading, evaluating
 * the prompt, generating, and otherwise (total − the three). Ollama omits zero durations, so a
 * timed record without `load_duration_ms` loaded in 0 ms: sums divide by the timed requests.
 *
 * @example
 * timeBreakdownOf(summary).generation_ms // 1830.5
 */
export function timeBreakdownOf(stats: TimingStats): TimeBreakdown {
  const timed = stats.total_duration_ms.count;
  if (timed === 0)
    return { timed_requests: 0, load_ms: null, prompt_eval_ms: null, generation_ms: null, other_ms: null };
  const load = sumOf(stats.load_duration_ms) / timed;
  const promptEval = sumOf(stats.prompt_eval_duration_ms) / timed;
  const generation = sumOf(stats.eval_duration_ms) / timed;
  const total = sumOf(stats.total_duration_ms) / timed;
  return {
    timed_requests: timed,
    load_ms: load,
    prompt_eval_ms: promptEval,
    generation_ms: generation,
    // Never below 0: rounding of Ollama's nanoseconds can make the parts exceed the total by a hair.
    other_ms: Math.max(0, total - load - promptEval - generation),
  };
}
