/**
 * Two weeks of traffic ending at `end` for three models, steady but for one planted
 * regression: in the second (last) week `slow-model:7b` generates 30% fewer tokens per
 * second. The data set the "vs previous period" views must flag for exactly that model.
 */
import type { RequestMetric } from '@ollama-perf/core';
import { record } from '@ollama-perf/testkit/records';

/** The models of {@link twoWeekRecords}; the first is the one that regresses. */
export const TWO_WEEK_MODELS = ['slow-model:7b', 'llama3.2', 'hf.co/org/repo:Q4_K_M'] as const;
const WEEK_MS = 7 * 86_400_000;
const STEP_MS = 2 * 3_600_000;

/** One record per model every two hours over the two weeks before `end`. */
export function twoWeekRecords(end: number): RequestMetric[] {
  const records: RequestMetric[] = [];
  let i = 0;
  for (let ts = end - 2 * WEEK_MS + STEP_MS / 2; ts < end; ts += STEP_MS) {
    for (const [m, model] of TWO_WEEK_MODELS.entries()) {
      i += 1;
      const jitter = 1 + (((i * 7919) % 101) - 50) / 1000; // ±5%, deterministic
      const slower = m === 0 && ts >= end - WEEK_MS ? 0.7 : 1;
      const tokensPerSecond = (40 + 10 * m) * jitter * slower;
      const evalCount = 200;
      const evalMs = (evalCount / tokensPerSecond) * 1000;
      const promptMs = 80 * jitter;
      const total = 5 + promptMs + evalMs;
      records.push(
        record({
          id: `two-week-${i}`,
          ts,
          model,
          latency_ms: total + 3,
          total_duration_ms: total,
          load_duration_ms: 5,
          prompt_eval_duration_ms: promptMs,
          eval_duration_ms: evalMs,
          prompt_eval_count: 300,
          eval_count: evalCount,
          tokens_per_second: tokensPerSecond,
          prompt_tokens_per_second: 300 / (promptMs / 1000),
          concurrency: 1 + (i % 3),
        }),
      );
    }
  }
  return records;
}
