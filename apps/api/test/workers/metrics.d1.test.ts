/**
 * `GET /metrics` on D1 inside workerd, through the Worker's own fetch handler: it answers
 * the text format, every family is there, and its counts agree with `/stats` on the same D1.
 */
import { SELF } from 'cloudflare:test';
import type { Summary } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogramSeries, parseExposition, samplesOf, total } from '../suites/prometheus-text.ts';
import { SUITE_TOKEN } from '../suites/token.ts';

const call = (path: string, init: RequestInit = {}) =>
  SELF.fetch(`http://gateway.test${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${SUITE_TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });

describe('GET /metrics on D1 (workerd)', () => {
  beforeAll(async () => {
    const res = await call('/ingest', { method: 'POST', body: JSON.stringify(fixtureRecords(90)) });
    expect(res.status).toBe(200);
  });

  it('answers 200 in text format 0.0.4 with every family, agreeing with /stats', async () => {
    const res = await call('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(await res.text());
    expect(parsed.families.map((f) => `${f.name} ${f.type}`)).toEqual([
      'gen_ai_client_operation_duration_seconds HISTOGRAM',
      'gen_ai_client_token_usage HISTOGRAM',
      'gen_ai_server_time_to_first_token_seconds HISTOGRAM',
      'gen_ai_server_time_per_output_token_seconds HISTOGRAM',
      'ollama_load_duration_seconds HISTOGRAM',
      'ollama_cold_starts_total COUNTER',
      'ollama_requests_total COUNTER',
      'ollama_model_switches_total COUNTER',
      'ollama_model_loaded GAUGE',
      'ollama_model_vram_bytes GAUGE',
      'ollama_model_size_bytes GAUGE',
      'ollama_up GAUGE',
      'ollama_polls_total COUNTER',
      'ollama_outages_total COUNTER',
    ]);

    const stats = (await (await call('/stats')).json()) as Summary;
    expect(stats.requests).toBeGreaterThanOrEqual(90);
    expect(total(histogramSeries(parsed, 'gen_ai_client_operation_duration_seconds'), (s) => s.count)).toBe(
      stats.requests,
    );
    expect(total(histogramSeries(parsed, 'gen_ai_server_time_to_first_token_seconds'), (s) => s.count)).toBe(
      stats.ttft_ms.count,
    );
    expect(total(histogramSeries(parsed, 'ollama_load_duration_seconds'), (s) => s.count)).toBe(
      stats.load_duration_ms.count,
    );
    expect(total(samplesOf(parsed, 'ollama_cold_starts_total'), (s) => s.value)).toBe(stats.cold_starts);
    expect(total(samplesOf(parsed, 'ollama_requests_total'), (s) => s.value)).toBe(stats.requests);
  });

  it('refuses a scrape without the token', async () => {
    const res = await SELF.fetch('http://gateway.test/metrics');
    expect(res.status).toBe(401);
  });
});
