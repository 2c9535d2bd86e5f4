/** `renderMetrics()` and `escapeLabelValue()`: exact text for small inputs, bucket edges, label rules. */
import { EMPTY_TIMINGS, type RequestMetric } from '@ollama-perf/core';
import { record as validRecord } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, renderMetrics } from './render.js';

// A record without Ollama's timings: each test adds only the figures it renders.
const record = (overrides: Partial<RequestMetric> = {}): RequestMetric =>
  validRecord({ latency_ms: 250, ...EMPTY_TIMINGS, concurrency: null, ...overrides });

const lines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));

describe('escapeLabelValue', () => {
  it.each([
    ['plain', 'plain'],
    ['say "hi"', 'say \\"hi\\"'],
    ['C:\\models', 'C:\\\\models'],
    ['two\nlines', 'two\\nlines'],
    ['\\n literally', '\\\\n literally'],
    [`we"ird'; drop table request_metrics;--`, `we\\"ird'; drop table request_metrics;--`],
  ])('%j → %j', (input, escaped) => {
    expect(escapeLabelValue(input)).toBe(escaped);
  });
});

describe('renderMetrics', () => {
  it('writes HELP and TYPE for every family even with no records', () => {
    const text = renderMetrics([]);
    expect(text.endsWith('\n')).toBe(true);
    expect(lines(text, '# TYPE')).toEqual([
      '# TYPE gen_ai_client_operation_duration_seconds histogram',
      '# TYPE gen_ai_client_token_usage histogram',
      '# TYPE gen_ai_server_time_to_first_token_seconds histogram',
      '# TYPE gen_ai_server_time_per_output_token_seconds histogram',
      '# TYPE ollama_load_duration_seconds histogram',
      '# TYPE ollama_cold_starts_total counter',
      '# TYPE ollama_requests_total counter',
      '# TYPE ollama_model_switches_total counter',
      '# TYPE ollama_model_loaded gauge',
      '# TYPE ollama_model_vram_bytes gauge',
      '# TYPE ollama_model_size_bytes gauge',
      '# TYPE ollama_up gauge',
      '# TYPE ollama_polls_total counter',
      '# TYPE ollama_outages_total counter',
    ]);
    expect(lines(text, '# HELP')).toHaveLength(14);
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([]);
  });

  it('renders one request exactly: labels, cumulative buckets, +Inf, _sum, _count', () => {
    const text = renderMetrics([record({ latency_ms: 250 })]);
    const labels =
      'gen_ai_operation_name="chat",gen_ai_provider_name="ollama",gen_ai_request_model="llama3.2",project="(none)"';
    expect(lines(text, 'gen_ai_client_operation_duration_seconds')).toEqual([
      ...[0.01, 0.02, 0.04, 0.08, 0.16].map(
        (le) => `gen_ai_client_operation_duration_seconds_bucket{${labels},le="${le}"} 0`,
      ),
      ...[0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, '+Inf'].map(
        (le) => `gen_ai_client_operation_duration_seconds_bucket{${labels},le="${le}"} 1`,
      ),
      `gen_ai_client_operation_duration_seconds_sum{${labels}} 0.25`,
      `gen_ai_client_operation_duration_seconds_count{${labels}} 1`,
    ]);
    expect(lines(text, 'ollama_requests_total')).toEqual([`ollama_requests_total{${labels},status="success"} 1`]);
    expect(lines(text, 'ollama_cold_starts_total')).toEqual([`ollama_cold_starts_total{${labels}} 0`]);
  });

  it('counts a value equal to a boundary in that bucket, and one above all only in +Inf', () => {
    const text = renderMetrics([record({ latency_ms: 10 }), record({ id: 'r2', latency_ms: 90_000 })]);
    expect(text).toContain('le="0.01"} 1\n');
    expect(text).toContain('le="81.92"} 1\n');
    expect(text).toContain('le="+Inf"} 2\n');
  });

  it.each<[RequestMetric['operation'], string]>([
    ['chat', 'chat'],
    ['generate', 'text_completion'],
    ['embed', 'embeddings'],
  ])('names operation %s "%s" as OTel does', (operation, name) => {
    expect(renderMetrics([record({ operation })])).toContain(`gen_ai_operation_name="${name}"`);
  });

  it('labels a failure with error_type, `_OTHER` when its class is unknown', () => {
    const text = renderMetrics([
      record({ success: false, status: 404, error_type: 'model_not_found' }),
      record({ id: 'r2', success: false, status: 500, error_type: null }),
    ]);
    expect(lines(text, 'ollama_requests_total').map((line) => line.replace(/^.*project="\(none\)",/, ''))).toEqual([
      'status="error",error_type="_OTHER"} 1',
      'status="error",error_type="model_not_found"} 1',
    ]);
    expect(
      lines(text, 'gen_ai_client_operation_duration_seconds_count').map((line) =>
        line.replace(/^.*project="\(none\)",/, ''),
      ),
    ).toEqual(['error_type="_OTHER"} 1', 'error_type="model_not_found"} 1']);
  });

  it('derives time per output token from eval_duration / eval_count, only when both are positive', () => {
    const text = renderMetrics([
      record({ eval_duration_ms: 2000, eval_count: 100 }),
      record({ id: 'r2', eval_duration_ms: 0, eval_count: 5 }),
      record({ id: 'r3', eval_duration_ms: 500, eval_count: 0 }),
    ]);
    expect(lines(text, 'gen_ai_server_time_per_output_token_seconds_sum')).toEqual([expect.stringMatching(/} 0\.02$/)]);
    expect(lines(text, 'gen_ai_server_time_per_output_token_seconds_count')).toEqual([expect.stringMatching(/} 1$/)]);
  });

  it('takes time per output token from the stream itself where Ollama gives none (/v1), Ollama’s own elsewhere', () => {
    const text = renderMetrics([
      // /v1 without usage: 11 content chunks over 500 ms, 50 ms apart.
      record({ endpoint: '/v1/chat/completions', stream: true, output_chunks: 11, decode_ms: 500 }),
      // Native: Ollama's 20 ms per token wins over the 30 ms between chunks the gateway saw.
      record({ id: 'r2', stream: true, eval_duration_ms: 2000, eval_count: 100, output_chunks: 101, decode_ms: 3000 }),
      // One chunk: no gap to measure.
      record({ id: 'r3', stream: true, output_chunks: 1, decode_ms: 0 }),
    ]);
    expect(lines(text, 'gen_ai_server_time_per_output_token_seconds_sum')).toEqual([expect.stringMatching(/} 0\.07$/)]);
    expect(lines(text, 'gen_ai_server_time_per_output_token_seconds_count')).toEqual([expect.stringMatching(/} 2$/)]);
    expect(
      lines(text, 'gen_ai_server_time_per_output_token_seconds_bucket').filter((line) => line.includes('le="0.025"}')),
    ).toEqual([expect.stringMatching(/ 1$/)]);
  });

  it('splits token usage into input and output, and loads into cold and warm', () => {
    const text = renderMetrics([
      record({ prompt_eval_count: 12, eval_count: 30, load_duration_ms: 4200, cold_start: true }),
      record({ id: 'r2', prompt_eval_count: 8, eval_count: null, load_duration_ms: 2, cold_start: false }),
    ]);
    expect(lines(text, 'gen_ai_client_token_usage_sum')).toEqual([
      expect.stringMatching(/gen_ai_token_type="input"} 20$/),
      expect.stringMatching(/gen_ai_token_type="output"} 30$/),
    ]);
    expect(lines(text, 'ollama_load_duration_seconds_sum')).toEqual([
      expect.stringMatching(/cold_start="false"} 0\.002$/),
      expect.stringMatching(/cold_start="true"} 4\.2$/),
    ]);
    expect(
      lines(text, 'ollama_load_duration_seconds_bucket').filter(
        (line) => line.includes('cold_start="true"') && line.includes('le="5"}'),
      ),
    ).toEqual([expect.stringMatching(/ 1$/)]);
    expect(lines(text, 'ollama_cold_starts_total')).toEqual([expect.stringMatching(/ 1$/)]);
  });

  it('renders availability: ollama_up from the last poll, polls by outcome, outages', () => {
    const run = (start: number, up: boolean, polls: number) => ({
      id: String(start),
      start,
      last: start + (polls - 1) * 10,
      up,
      polls,
      error: up ? null : 'fetch failed',
    });
    const down = renderMetrics([], undefined, {}, [run(0, true, 5), run(50, false, 3), run(80, true, 4)]);
    expect(lines(down, 'ollama_up')).toEqual(['ollama_up 1']);
    expect(lines(down, 'ollama_polls_total')).toEqual([
      'ollama_polls_total{outcome="answered"} 9',
      'ollama_polls_total{outcome="failed"} 3',
    ]);
    expect(lines(down, 'ollama_outages_total')).toEqual(['ollama_outages_total 1']);
    expect(lines(renderMetrics([], undefined, {}, [run(0, true, 5), run(50, false, 2)]), 'ollama_up')).toEqual([
      'ollama_up 0',
    ]);
  });
});
