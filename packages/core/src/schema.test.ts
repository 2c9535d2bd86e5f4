import { describe, expect, it } from 'vitest';
import { REQUEST_METRIC_FIELDS, requestMetricSchema } from './schema.js';
import { record } from './test-support/records.js';

describe('requestMetricSchema', () => {
  it('accepts a complete record and lists its fields in DESIGN.md order', () => {
    expect(requestMetricSchema.parse(record())).toEqual(record());
    expect(REQUEST_METRIC_FIELDS).toEqual([
      'id',
      'ts',
      'model',
      'operation',
      'endpoint',
      'project',
      'stream',
      'status',
      'success',
      'error_type',
      'error_message',
      'latency_ms',
      'ttft_ms',
      'total_duration_ms',
      'load_duration_ms',
      'prompt_eval_duration_ms',
      'eval_duration_ms',
      'prompt_eval_count',
      'eval_count',
      'tokens_per_second',
      'prompt_tokens_per_second',
      'cold_start',
      'done_reason',
      'concurrency',
      'switched_from',
      'output_chunks',
      'decode_ms',
    ]);
  });

  it.each([
    ['an unknown operation', { operation: 'train' }, 'operation'],
    ['an unknown error type', { error_type: 'oops' }, 'error_type'],
    ['a negative latency', { latency_ms: -1 }, 'latency_ms'],
    ['a fractional token count', { eval_count: 1.5 }, 'eval_count'],
    ['a string timestamp', { ts: '2026-11-27' }, 'ts'],
    ['an empty model', { model: '' }, 'model'],
    ['an over-long error message', { error_message: 'x'.repeat(501) }, 'error_message'],
    ['an unknown key', { prompt: 'secret' }, ''],
  ])('rejects %s', (_, overrides, path) => {
    const result = requestMetricSchema.safeParse({ ...record(), ...overrides });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('rejects a record with a missing field', () => {
    const { latency_ms: _, ...partial } = record();
    expect(requestMetricSchema.safeParse(partial).success).toBe(false);
  });
});
