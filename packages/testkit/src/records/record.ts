/** One valid record to start a test from: override only what the test is about. */
import type { RequestMetric } from '@ollama-perf/core';

/**
 * A successful, warm, non-streamed chat record of `llama3.2` with every field set;
 * `overrides` replace fields.
 *
 * @example
 * const failed = record({ id: 'r-2', success: false, status: 404, error_type: 'model_not_found' });
 */
export function record(overrides: Partial<RequestMetric> = {}): RequestMetric {
  return {
    id: 'r-1',
    ts: Date.UTC(2026, 10, 27, 10, 15),
    model: 'llama3.2',
    operation: 'chat',
    endpoint: '/api/chat',
    project: null,
    stream: false,
    status: 200,
    success: true,
    error_type: null,
    error_message: null,
    latency_ms: 100,
    ttft_ms: null,
    total_duration_ms: 90,
    load_duration_ms: 1,
    prompt_eval_duration_ms: 10,
    eval_duration_ms: 70,
    prompt_eval_count: 20,
    eval_count: 35,
    tokens_per_second: 500,
    prompt_tokens_per_second: 2000,
    cold_start: false,
    done_reason: 'stop',
    concurrency: 1,
    switched_from: null,
    output_chunks: null,
    decode_ms: null,
    ...overrides,
  };
}
