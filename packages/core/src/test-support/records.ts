/** Test helpers: valid records, one by one or arbitrary (fast-check). */
import fc from 'fast-check';
import type { RequestMetric } from '../schema.js';

/** A successful, warm, non-streamed chat record; override what the test is about. */
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

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const ms = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** Arbitrary valid records over a few models, projects and two days. */
export const arbitraryRecord: fc.Arbitrary<RequestMetric> = fc
  .record({
    ts: fc.integer({ min: Date.UTC(2026, 10, 26), max: Date.UTC(2026, 10, 28) }),
    model: fc.constantFrom('llama3.2', 'qwen2.5vl:7b', 'hf.co/org/repo:Q4_K_M'),
    operation: fc.constantFrom('generate', 'chat', 'embed'),
    project: maybe(fc.constantFrom('alpha', 'beta')),
    stream: fc.boolean(),
    error_type: maybe(fc.constantFrom('model_not_found', 'stream_error', 'upstream_busy', 'client_aborted')),
    latency_ms: ms,
    ttft_ms: maybe(ms),
    load_duration_ms: maybe(ms),
    prompt_eval_count: maybe(fc.nat({ max: 40_000 })),
    eval_count: maybe(fc.nat({ max: 4_000 })),
    tokens_per_second: maybe(ms),
    output_chunks: maybe(fc.nat({ max: 4_000 })),
    decode_ms: maybe(ms),
  })
  .map(({ error_type, ...fields }) =>
    record({
      ...fields,
      id: `${fields.ts}-${fields.latency_ms}`,
      error_type,
      success: error_type === null,
      status: error_type === 'model_not_found' ? 404 : 200,
      cold_start: fields.load_duration_ms === null ? null : fields.load_duration_ms >= 500,
    }),
  );
