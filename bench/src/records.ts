/**
 * Synthetic records for the ingest and stats benchmarks: deterministic (seeded), shaped like a
 * busy gateway's history — five models, chat/generate/embed, streams with time to first
 * token, a few cold starts and model switches, ~3% errors, long-tailed latencies — and spread
 * over 30 days so the hourly series and time indexes have real work to do.
 */
import type { ErrorType, Operation, RequestMetric } from '@ollama-perf/core';
import { seededRandom } from '@ollama-perf/testkit';

/** Models of the synthetic history; the first is the one `/stats/:model` is asked about. */
export const MODELS = ['llama3.2', 'qwen2.5vl:7b', 'hf.co/org/repo:Q4_K_M', 'mistral:7b', 'all-minilm'] as const;
const MODEL_WEIGHTS = [0.4, 0.25, 0.15, 0.1, 0.1];
const PROJECTS = ['alpha', 'beta', 'gamma', null] as const;
const ERRORS: Array<{ type: ErrorType; status: number; message: string }> = [
  { type: 'model_not_found', status: 404, message: 'model "x" not found, try pulling it first' },
  { type: 'upstream_busy', status: 503, message: 'server busy, please try again.  maximum pending requests exceeded' },
  { type: 'stream_error', status: 200, message: 'an error was encountered while running the model: unexpected EOF' },
  { type: 'client_aborted', status: 200, message: 'the client closed the connection before the response ended' },
];
const DAY_MS = 86_400_000;

/** Where a synthetic history starts and how records are spaced. */
export interface HistoryOptions {
  /** Records in the history (sets the spacing over 30 days). */
  total: number;
  /** Seed of the generator. Default 42. */
  seed?: number;
  /** Epoch ms of the first record. Default 2026-10-01T00:00:00Z. */
  startTs?: number;
  /** How long the history lasts, ms: records are evenly spaced over it. Default 30 days. */
  spanMs?: number;
  /** Prefix of every id (make it differ between runs that share a database). Default `r`. */
  idPrefix?: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A generator of `options.total` records, oldest first. The same options give the same records.
 *
 * @example
 * for (const record of syntheticHistory({ total: 1000 })) store.push(record);
 */
export function* syntheticHistory(options: HistoryOptions): Generator<RequestMetric, void, undefined> {
  const random = seededRandom(options.seed ?? 42);
  const startTs = options.startTs ?? Date.UTC(2026, 9, 1);
  const step = (options.spanMs ?? 30 * DAY_MS) / Math.max(1, options.total);
  const prefix = options.idPrefix ?? 'r';
  // Box–Muller: a standard normal from two uniforms, for log-normal latencies.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let lastModel: string | null = null;

  for (let i = 0; i < options.total; i++) {
    let pick = random();
    let m = 0;
    while (m < MODELS.length - 1 && pick >= (MODEL_WEIGHTS[m] as number)) pick -= MODEL_WEIGHTS[m++] as number;
    const model = MODELS[m] as string;
    const embed = model === 'all-minilm';
    const operation: Operation = embed ? 'embed' : random() < 0.6 ? 'chat' : 'generate';
    const endpoint = embed
      ? '/api/embed'
      : operation === 'chat'
        ? random() < 0.8
          ? '/api/chat'
          : '/v1/chat/completions'
        : '/api/generate';
    const stream = !embed && random() < 0.7;
    const failure = random() < 0.03 ? (ERRORS[Math.floor(random() * ERRORS.length)] as (typeof ERRORS)[number]) : null;
    const cold = random() < 0.02;
    const loadMs = cold ? round3(800 + random() * 4000) : round3(random() * 20);
    const promptCount = 5 + Math.floor(random() * (embed ? 200 : 4000));
    const promptMs = round3(promptCount * (0.2 + random() * 0.8));
    const evalCount = embed || failure !== null ? null : 1 + Math.floor(Math.exp(4 + normal()));
    const evalMs = evalCount === null ? null : round3(evalCount * (10 + random() * 40));
    const latency = round3(loadMs + promptMs + (evalMs ?? 0) + Math.exp(1 + normal()));
    const timings = failure === null || failure.status === 200;
    const ttft = stream && timings ? round3(loadMs + promptMs + random() * 50) : null;
    const switchedFrom = cold && lastModel !== null && lastModel !== model ? lastModel : null;
    const record: RequestMetric = {
      id: `${prefix}-${i.toString(36).padStart(8, '0')}`,
      ts: Math.floor(startTs + i * step),
      model,
      operation,
      endpoint,
      project: PROJECTS[Math.floor(random() * PROJECTS.length)] ?? null,
      stream,
      status: failure?.status ?? 200,
      success: failure === null,
      error_type: failure?.type ?? null,
      error_message: failure?.message ?? null,
      latency_ms: latency,
      ttft_ms: ttft,
      total_duration_ms: timings ? round3(latency - 0.5) : null,
      load_duration_ms: timings ? loadMs : null,
      prompt_eval_duration_ms: timings ? promptMs : null,
      eval_duration_ms: timings ? evalMs : null,
      prompt_eval_count: timings ? promptCount : null,
      eval_count: timings ? evalCount : null,
      tokens_per_second:
        timings && evalCount !== null && evalMs !== null && evalMs > 0 ? evalCount / (evalMs / 1000) : null,
      prompt_tokens_per_second: timings && promptMs > 0 ? promptCount / (promptMs / 1000) : null,
      cold_start: timings ? cold : null,
      done_reason: timings && !embed ? 'stop' : null,
      concurrency: 1 + Math.floor(random() * 4),
      switched_from: timings ? switchedFrom : null,
      // Derived, not drawn: another draw would change every history after it.
      output_chunks: stream ? (evalCount ?? 0) : null,
      decode_ms: stream && evalMs !== null ? round3(evalMs * 1.02) : null,
    };
    if (failure === null) lastModel = model;
    yield record;
  }
}

/** The first `count` records of a history, as an array. */
export function historySlice(options: HistoryOptions, count: number): RequestMetric[] {
  const out: RequestMetric[] = [];
  for (const record of syntheticHistory(options)) {
    out.push(record);
    if (out.length === count) break;
  }
  return out;
}
