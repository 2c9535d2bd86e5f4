import { describe, expect, it } from 'vitest';
import { buildRequestMetric, type RequestObservation, UNKNOWN_MODEL } from './request-metric.js';
import { ResponseObserver } from './response-observer.js';
import { NAME_MAX, requestMetricSchema } from './schema.js';
import { CHAT_FINAL } from './test-support/fixtures.js';

const base: RequestObservation = {
  id: '0193f0a0-0000-7000-8000-000000000000',
  ts: 1_764_237_600_000,
  endpoint: '/api/chat',
  operation: 'chat',
  model: 'llama3.2',
  project: 'alpha',
  stream: true,
  status: 200,
  latency_ms: 4900.5,
  ttft_ms: 350.25,
};

describe('buildRequestMetric', () => {
  it('builds a valid successful record with Ollama timings', () => {
    const observer = new ResponseObserver();
    observer.observe(JSON.parse(CHAT_FINAL));
    const metric = buildRequestMetric({ ...base, timings: observer.timings() });
    expect(requestMetricSchema.parse(metric)).toEqual(metric);
    expect(metric).toMatchObject({
      success: true,
      error_type: null,
      error_message: null,
      eval_count: 282,
      cold_start: false,
      concurrency: null,
    });
  });

  it('classifies an error status and keeps its message', () => {
    const metric = buildRequestMetric({
      ...base,
      status: 404,
      stream: false,
      ttft_ms: null,
      error: { message: 'model "x" not found' },
    });
    expect(metric).toMatchObject({
      success: false,
      error_type: 'model_not_found',
      error_message: 'model "x" not found',
    });
  });

  it('lets an explicit error type win over a 200 status', () => {
    const metric = buildRequestMetric({ ...base, error: { type: 'stream_error', message: 'unexpected EOF' } });
    expect(metric).toMatchObject({
      status: 200,
      success: false,
      error_type: 'stream_error',
      error_message: 'unexpected EOF',
    });
  });

  it('drops a message on success and fills unknowns safely', () => {
    const metric = buildRequestMetric({
      ...base,
      model: null,
      project: '',
      endpoint: '/api/chat/?x',
      error: { message: 'ignored' },
    });
    expect(metric).toMatchObject({ model: UNKNOWN_MODEL, project: null, endpoint: '/api/chat', error_message: null });
  });

  it('cuts over-long names so the record stays valid', () => {
    const metric = buildRequestMetric({ ...base, model: 'm'.repeat(10_000), project: 'p'.repeat(10_000) });
    expect(metric.model).toHaveLength(NAME_MAX);
    expect(requestMetricSchema.safeParse(metric).success).toBe(true);
  });
});
