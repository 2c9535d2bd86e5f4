/** The built core package, both entries, is consumable from another workspace package, types and all. */
import { type RequestMetric, requestMetricSchema, summarize } from '@ollama-perf/core';
import { partsOfRecords, summaryOfParts } from '@ollama-perf/core/rollup';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';

describe('@ollama-perf/core from a workspace package', () => {
  it('summarizes records through the built ESM entry', () => {
    const metric: RequestMetric = requestMetricSchema.parse({
      id: 'a',
      ts: 0,
      model: 'llama3.2',
      operation: 'chat',
      endpoint: '/api/chat',
      project: null,
      stream: false,
      status: 200,
      success: true,
      error_type: null,
      error_message: null,
      latency_ms: 42,
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
      concurrency: null,
      switched_from: null,
      output_chunks: null,
      decode_ms: null,
    });
    expect(summarize([metric]).latency_ms.p99).toBe(42);
  });

  it('summarizes rollup parts through the built ./rollup entry', () => {
    const records = fixtureRecords(20);
    expect(summaryOfParts(partsOfRecords(records)).requests).toBe(summarize(records).requests);
  });
});
