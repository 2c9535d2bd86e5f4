/**
 * One measured request: a streamed `generate` through the official `ollama` client, timed
 * chunk by chunk on the client side (time to first token, gaps between tokens, observed
 * tokens/s) next to Ollama's own nanosecond timings from its final line.
 */
import { timingsFromOllama } from '@ollama-perf/core';
import type { GenerateResponse, Ollama } from 'ollama';

/** What one request measured. */
export interface Sample {
  /** Ollama's counts and timings (ms), null when it did not report them. */
  promptEvalCount: number | null;
  promptTokensPerSecond: number | null;
  evalCount: number | null;
  tokensPerSecond: number | null;
  loadMs: number | null;
  totalMs: number | null;
  doneReason: string | null;
  /** Client side: start → first chunk with text, start → end, ms. */
  ttftMs: number | null;
  latencyMs: number;
  /** Mean gap between chunks with text, ms. */
  itlMs: number | null;
  /** (chunks − 1) / (last chunk − first chunk): generation speed as the client saw it. */
  observedTokensPerSecond: number | null;
  /** Start and end on the client's clock (performance.now), ms: rounds sum tokens over their span. */
  startedAt: number;
  endedAt: number;
}

/** One request to send. */
export interface SampleRequest {
  model: string;
  prompt: string;
  outputTokens: number;
  /** `num_ctx`: the context window. */
  numCtx: number;
}

/**
 * Sends `request` and measures it. Rejects when Ollama answers with an error or the
 * stream breaks (the caller counts it as a failed run).
 *
 * @example
 * const sample = await measureSample(client, { model: 'llama3.2', prompt, outputTokens: 128 });
 */
export async function measureSample(client: Ollama, request: SampleRequest): Promise<Sample> {
  const startedAt = performance.now();
  const stream = await client.generate({
    model: request.model,
    prompt: request.prompt,
    stream: true,
    options: { num_predict: request.outputTokens, num_ctx: request.numCtx },
  });
  const arrivals: number[] = [];
  let final: GenerateResponse | null = null;
  for await (const part of stream) {
    // A thinking model's thoughts are generated tokens too (eval_count counts them).
    if ((part.response ?? '') !== '' || (part.thinking ?? '') !== '') arrivals.push(performance.now());
    if (part.done) final = part;
  }
  const endedAt = performance.now();
  // A stream that stops without Ollama's final line (cancelled, cut) measured nothing whole.
  if (final === null) throw new Error(`the answer of ${request.model} ended before its final line`);
  const first = arrivals[0];
  const last = arrivals.at(-1);
  const decodeMs = first !== undefined && last !== undefined ? last - first : 0;
  const timings = timingsFromOllama(final);
  return {
    promptEvalCount: timings.prompt_eval_count,
    promptTokensPerSecond: timings.prompt_tokens_per_second,
    evalCount: timings.eval_count,
    tokensPerSecond: timings.tokens_per_second,
    // Ollama leaves load_duration out when it is 0 (omitempty): a warm request.
    loadMs: timings.load_duration_ms ?? 0,
    totalMs: timings.total_duration_ms,
    doneReason: timings.done_reason,
    ttftMs: first === undefined ? null : first - startedAt,
    latencyMs: endedAt - startedAt,
    itlMs: arrivals.length > 1 ? decodeMs / (arrivals.length - 1) : null,
    observedTokensPerSecond: arrivals.length > 1 && decodeMs > 0 ? (arrivals.length - 1) / (decodeMs / 1000) : null,
    startedAt,
    endedAt,
  };
}
