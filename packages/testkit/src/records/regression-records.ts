/**
 * Two weeks of realistic traffic from a seeded random: three models, spread-out speeds,
 * cold loads, failures — and a 30% tokens/s regression planted in the second week for one
 * model only. What `/stats/compare` and `report --compare` must flag, and nothing else.
 */
import type { RequestMetric } from '@ollama-perf/core';
import { seededRandom } from '../random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The data set and what a comparison of its weeks must find. */
export interface RegressionData {
  records: RequestMetric[];
  /** Start of week one (baseline), 00:00 UTC. */
  start: number;
  /** Start of week two (current). */
  mid: number;
  /** End of week two (exclusive). */
  end: number;
  /** The model whose tokens/s fell by 30% in week two. */
  regressed: string;
  /** Models with only noise. */
  steady: string[];
}

/** Models, their typical tokens/s and prompt tokens/s. */
const MODELS = [
  { model: 'llama3.2:3b', tps: 42, pps: 900 },
  { model: 'qwen2.5:7b', tps: 24, pps: 520 },
  { model: 'hf.co/org/mistral:Q4_K_M', tps: 19.7, pps: 400 },
] as const;

/**
 * The data set: `perDay` requests per model per day over 14 days from `start`; the last model's
 * tokens/s is 30% lower in the second week.
 *
 * @example
 * const { records, mid, regressed } = regressionRecords();
 */
export function regressionRecords(perDay = 24, start = Date.UTC(2026, 9, 5), seed = 17): RegressionData {
  const random = seededRandom(seed);
  // Box–Muller: a standard normal deviate.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const regressed = (MODELS[2] as (typeof MODELS)[number]).model;
  const records: RequestMetric[] = [];
  for (let day = 0; day < 14; day++) {
    for (const { model, tps, pps } of MODELS) {
      for (let i = 0; i < perDay; i++) {
        const ts = start + day * DAY + Math.floor(random() * DAY);
        const slowdown = model === regressed && day >= 7 ? 0.7 : 1;
        const id = `${model}-${day}-${i}`;
        const stream = random() < 0.6;
        const concurrency = 1 + Math.floor(random() * 4);
        if (random() < 0.02) {
          records.push(failed(id, ts, model, stream, concurrency, 20 + random() * 200));
          continue;
        }
        const evalCount = 50 + Math.floor(random() * 450);
        const tokensPerSecond = Math.max(1, tps * slowdown * (1 + 0.1 * normal()));
        const promptCount = 20 + Math.floor(random() ** 2 * 6000);
        const promptPerSecond = Math.max(10, pps * (1 + 0.12 * normal()));
        const cold = random() < 0.05;
        const load = cold ? 1500 + random() * 2500 : 2 + random() * 10;
        const promptEval = (promptCount / promptPerSecond) * 1000;
        const generation = (evalCount / tokensPerSecond) * 1000;
        const total = load + promptEval + generation + 3 + random() * 10;
        const latency = total + 2 + random() * 20;
        records.push({
          id,
          ts,
          model,
          operation: 'chat',
          endpoint: '/api/chat',
          project: random() < 0.5 ? 'alpha' : null,
          stream,
          status: 200,
          success: true,
          error_type: null,
          error_message: null,
          latency_ms: latency,
          ttft_ms: stream ? load + promptEval + 5 + random() * 30 : null,
          total_duration_ms: total,
          load_duration_ms: load,
          prompt_eval_duration_ms: promptEval,
          eval_duration_ms: generation,
          prompt_eval_count: promptCount,
          eval_count: evalCount,
          tokens_per_second: evalCount / (generation / 1000),
          prompt_tokens_per_second: promptCount / (promptEval / 1000),
          cold_start: cold,
          done_reason: 'stop',
          concurrency,
          switched_from: null,
        });
      }
    }
  }
  records.sort((a, b) => a.ts - b.ts);
  return {
    records,
    start,
    mid: start + 7 * DAY,
    end: start + 14 * DAY,
    regressed,
    steady: MODELS.map((m) => m.model).filter((m) => m !== regressed),
  };
}

function failed(
  id: string,
  ts: number,
  model: string,
  stream: boolean,
  concurrency: number,
  latency: number,
): RequestMetric {
  return {
    id,
    ts,
    model,
    operation: 'chat',
    endpoint: '/api/chat',
    project: null,
    stream,
    status: 500,
    success: false,
    error_type: 'upstream_error',
    error_message: 'model runner has unexpectedly stopped',
    latency_ms: latency,
    ttft_ms: null,
    total_duration_ms: null,
    load_duration_ms: null,
    prompt_eval_duration_ms: null,
    eval_duration_ms: null,
    prompt_eval_count: null,
    eval_count: null,
    tokens_per_second: null,
    prompt_tokens_per_second: null,
    cold_start: null,
    done_reason: null,
    concurrency,
    switched_from: null,
  };
}
