/**
 * `GET /metrics` on SQLite: parsed with a real Prometheus text-format parser, its families,
 * buckets and counts checked against `/stats` over the same records, label values with
 * quotes, backslashes and newlines read back intact, and the bearer token enforced.
 */
import { type RequestMetric, type Summary, summarize } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { renderMetrics } from '../src/metrics/render.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import {
  histogramSeries,
  type ParsedExposition,
  type ParsedHistogramSeries,
  parseExposition,
  samplesOf,
  total,
} from './suites/prometheus-text.js';

const TOKEN = 'metrics-token';
const TRICKY_MODEL = 'back\\slash "quoted"\nsecond line:7b';
const TRICKY_PROJECT = 'team "a"\\b\nc';
const OPERATION_NAMES = { chat: 'chat', generate: 'text_completion', embed: 'embeddings' } as const;

const fixtures = fixtureRecords();
const [first] = fixtures as [RequestMetric];
const records: RequestMetric[] = [
  ...fixtures,
  // Latencies exactly on bucket boundaries (0.64 s, 0.01 s): `le` is inclusive.
  { ...first, id: 'tricky-1', model: TRICKY_MODEL, project: TRICKY_PROJECT, latency_ms: 640 },
  // A failure without a known class: OTel's error.type is then `_OTHER`.
  {
    ...first,
    id: 'tricky-2',
    model: TRICKY_MODEL,
    project: null,
    success: false,
    status: 500,
    error_type: null,
    error_message: 'odd',
    latency_ms: 10,
  },
];

let store: MetricStore;
let app: Hono;
let parsed: ParsedExposition;
let stats: Summary;

const get = (path: string, token: string | null = TOKEN) =>
  app.request(path, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  store = await openStore(':memory:');
  app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:9', apiToken: TOKEN });
  const ingest = await app.request('/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  expect(ingest.status).toBe(200);
  parsed = parseExposition(await (await get('/metrics')).text());
  stats = (await (await get('/stats')).json()) as Summary;
});
afterAll(async () => {
  await store.close();
});

const FAMILIES = [
  ['gen_ai_client_operation_duration_seconds', 'HISTOGRAM'],
  ['gen_ai_client_token_usage', 'HISTOGRAM'],
  ['gen_ai_server_time_to_first_token_seconds', 'HISTOGRAM'],
  ['gen_ai_server_time_per_output_token_seconds', 'HISTOGRAM'],
  ['ollama_load_duration_seconds', 'HISTOGRAM'],
  ['ollama_cold_starts_total', 'COUNTER'],
  ['ollama_requests_total', 'COUNTER'],
  ['ollama_model_switches_total', 'COUNTER'],
  ['ollama_model_loaded', 'GAUGE'],
  ['ollama_model_vram_bytes', 'GAUGE'],
  ['ollama_model_size_bytes', 'GAUGE'],
  ['ollama_up', 'GAUGE'],
  ['ollama_polls_total', 'COUNTER'],
  ['ollama_outages_total', 'COUNTER'],
] as const;

// Written out rather than imported, so a wrong constant in the code fails here.
const BOUNDS: Record<string, number[]> = {
  gen_ai_client_operation_duration_seconds: [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ],
  gen_ai_client_token_usage: [
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
  ],
  gen_ai_server_time_to_first_token_seconds: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
  ],
  gen_ai_server_time_per_output_token_seconds: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
};

const histogram = (name: string) => histogramSeries(parsed, name);
const countOf = (series: ParsedHistogramSeries[], where: (s: ParsedHistogramSeries) => boolean = () => true) =>
  total(series, (s) => s.count, where);
const sumOf = (series: ParsedHistogramSeries[], where: (s: ParsedHistogramSeries) => boolean = () => true) =>
  total(series, (s) => s.sum, where);
const model = (m: string) => (s: { labels: Record<string, string> }) => s.labels.gen_ai_request_model === m;

describe('GET /metrics', () => {
  it('answers text format 0.0.4 with HELP and TYPE for every family, in order', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(parsed.families.map((f) => [f.name, f.type])).toEqual(FAMILIES);
    for (const family of parsed.families) expect(family.help.length).toBeGreaterThan(10);
    for (const [name, type] of FAMILIES) if (type === 'COUNTER') expect(name).toMatch(/_total$/);
  });

  it('refuses a missing or wrong bearer token with 401 when API_TOKEN is set', async () => {
    for (const token of [null, 'wrong']) {
      const res = await get('/metrics', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('uses the OTel bucket boundaries and load buckets that reach past 100 s', () => {
    for (const [name, bounds] of Object.entries(BOUNDS)) {
      for (const series of histogram(name)) expect(series.buckets.map((b) => b.le)).toEqual([...bounds, Infinity]);
    }
    const load = histogram('ollama_load_duration_seconds')[0]?.buckets.map((b) => b.le) ?? [];
    expect(load.filter((le) => le > 100 && le < Infinity).length).toBeGreaterThan(0);
    expect(load[0]).toBeLessThanOrEqual(0.001);
  });

  it('has cumulative, monotone buckets whose +Inf equals _count in every series', () => {
    for (const [name, type] of FAMILIES) {
      if (type !== 'HISTOGRAM') continue;
      const all = histogram(name);
      expect(all.length).toBeGreaterThan(0);
      for (const series of all) {
        const counts = series.buckets.map((b) => b.count);
        for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] as number);
        const les = series.buckets.map((b) => b.le);
        expect(les).toEqual([...les].sort((a, b) => a - b));
        expect(series.buckets.at(-1)).toEqual({ le: Infinity, count: series.count });
        expect(series.sum).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('counts every request in the operation duration histogram, as /stats does', () => {
    const duration = histogram('gen_ai_client_operation_duration_seconds');
    expect(countOf(duration)).toBe(stats.requests);
    expect(countOf(duration)).toBe(stats.latency_ms.count);
    expect(sumOf(duration)).toBeCloseTo(((stats.latency_ms.avg as number) * stats.latency_ms.count) / 1000, 6);
    for (const [m, group] of Object.entries(stats.by_model)) expect(countOf(duration, model(m))).toBe(group.requests);
    for (const [op, group] of Object.entries(stats.by_operation)) {
      expect(
        countOf(
          duration,
          (s) => s.labels.gen_ai_operation_name === OPERATION_NAMES[op as keyof typeof OPERATION_NAMES],
        ),
      ).toBe(group.requests);
    }
    for (const [project, group] of Object.entries(stats.by_project))
      expect(countOf(duration, (s) => s.labels.project === project)).toBe(group.requests);
    expect(countOf(duration, (s) => s.labels.error_type !== undefined)).toBe(stats.failed);
    for (const [type, n] of Object.entries(stats.errors_by_type))
      expect(countOf(duration, (s) => s.labels.error_type === type)).toBe(n);
    expect(countOf(duration, (s) => s.labels.error_type === '_OTHER')).toBe(1);
  });

  it('puts each duration in the right bucket (le inclusive), per model', () => {
    for (const m of Object.keys(stats.by_model)) {
      const mine = records.filter((r) => r.model === m);
      const series = histogram('gen_ai_client_operation_duration_seconds').filter(model(m));
      for (const [i, le] of (BOUNDS.gen_ai_client_operation_duration_seconds as number[]).entries()) {
        expect(total(series, (s) => s.buckets[i]?.count ?? Number.NaN)).toBe(
          mine.filter((r) => r.latency_ms / 1000 <= le).length,
        );
      }
    }
  });

  it('sums input and output tokens to prompt_tokens and generated_tokens', () => {
    const usage = histogram('gen_ai_client_token_usage');
    const input = (s: ParsedHistogramSeries) => s.labels.gen_ai_token_type === 'input';
    const output = (s: ParsedHistogramSeries) => s.labels.gen_ai_token_type === 'output';
    expect(sumOf(usage, input)).toBe(stats.prompt_tokens);
    expect(sumOf(usage, output)).toBe(stats.generated_tokens);
    for (const [m, group] of Object.entries(stats.by_model)) {
      expect(sumOf(usage, (s) => model(m)(s) && input(s))).toBe(group.prompt_tokens);
      expect(sumOf(usage, (s) => model(m)(s) && output(s))).toBe(group.generated_tokens);
    }
    expect(countOf(usage, input)).toBe(records.filter((r) => r.prompt_eval_count !== null).length);
    expect(countOf(usage, output)).toBe(records.filter((r) => r.eval_count !== null).length);
  });

  it('counts time to first token and time per output token as /stats counts ttft_ms and tokens_per_second', () => {
    const ttft = histogram('gen_ai_server_time_to_first_token_seconds');
    expect(countOf(ttft)).toBe(stats.ttft_ms.count);
    expect(sumOf(ttft)).toBeCloseTo(((stats.ttft_ms.avg as number) * stats.ttft_ms.count) / 1000, 6);
    for (const [m, group] of Object.entries(stats.by_model)) expect(countOf(ttft, model(m))).toBe(group.ttft_ms.count);

    const tpot = histogram('gen_ai_server_time_per_output_token_seconds');
    expect(countOf(tpot)).toBe(stats.tokens_per_second.count);
    const expected = records.filter((r) => (r.eval_count ?? 0) > 0 && (r.eval_duration_ms ?? 0) > 0);
    expect(sumOf(tpot)).toBeCloseTo(
      total(expected, (r) => (r.eval_duration_ms as number) / 1000 / (r.eval_count as number)),
      9,
    );
  });

  it('counts loads, cold and warm, and cold starts as /stats does', () => {
    const load = histogram('ollama_load_duration_seconds');
    expect(countOf(load)).toBe(stats.load_duration_ms.count);
    expect(countOf(load, (s) => s.labels.cold_start === 'true')).toBe(
      stats.cold_load_ms.count + stats.switch_load_ms.count,
    );
    expect(countOf(load, (s) => s.labels.cold_start === 'false')).toBe(stats.warm_load_ms.count);
    expect(sumOf(load)).toBeCloseTo(((stats.load_duration_ms.avg as number) * stats.load_duration_ms.count) / 1000, 6);

    const coldStarts = samplesOf(parsed, 'ollama_cold_starts_total');
    expect(total(coldStarts, (s) => s.value)).toBe(stats.cold_starts);
    for (const [m, group] of Object.entries(stats.by_model))
      expect(total(coldStarts, (s) => s.value, model(m))).toBe(group.cold_starts);
  });

  it('counts requests by status (and error_type) to the totals of /stats', () => {
    const requests = samplesOf(parsed, 'ollama_requests_total');
    expect(total(requests, (s) => s.value)).toBe(stats.requests);
    expect(
      total(
        requests,
        (s) => s.value,
        (s) => s.labels.status === 'success',
      ),
    ).toBe(stats.succeeded);
    expect(
      total(
        requests,
        (s) => s.value,
        (s) => s.labels.status === 'error',
      ),
    ).toBe(stats.failed);
    for (const [m, group] of Object.entries(stats.by_model)) {
      expect(total(requests, (s) => s.value, model(m))).toBe(group.requests);
      expect(
        total(
          requests,
          (s) => s.value,
          (s) => model(m)(s) && s.labels.status === 'error',
        ),
      ).toBe(group.failed);
    }
    for (const [type, n] of Object.entries(stats.errors_by_type))
      expect(
        total(
          requests,
          (s) => s.value,
          (s) => s.labels.error_type === type,
        ),
      ).toBe(n);
  });

  it('round-trips label values with quotes, backslashes and newlines', () => {
    const models = new Set(parsed.samples.map((s) => s.labels.gen_ai_request_model));
    expect(models).toEqual(new Set(Object.keys(stats.by_model)));
    expect(models).toContain(`we"ird'; drop table request_metrics;--`);
    expect(models).toContain(TRICKY_MODEL);
    expect(new Set(parsed.samples.map((s) => s.labels.project))).toEqual(new Set(Object.keys(stats.by_project)));
    expect(stats.by_project[TRICKY_PROJECT]?.requests).toBe(1);
  });

  it('labels every series with the OTel operation name and provider "ollama"', () => {
    expect(new Set(parsed.samples.map((s) => s.labels.gen_ai_operation_name))).toEqual(
      new Set(['chat', 'text_completion', 'embeddings']),
    );
    expect(new Set(parsed.samples.map((s) => s.labels.gen_ai_provider_name))).toEqual(new Set(['ollama']));
  });
});

describe('renderMetrics() read back by the parser, for any records', () => {
  const labelText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
  const special = fc.constantFrom('"', '\\', '\n', '\\n', '{a="b"}', ' # ', '=,', 'é😀');
  const name = fc.tuple(labelText, special, labelText).map(([a, b, c]) => a + b + c);

  it('keeps label values and histogram invariants, and agrees with summarize()', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            model: name,
            project: fc.option(name),
            latency: fc.double({ min: 0, max: 200_000, noNaN: true }),
            success: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (draws) => {
          const generated: RequestMetric[] = draws.map((d, i) => ({
            ...first,
            id: `p-${i}`,
            model: d.model,
            project: d.project,
            latency_ms: d.latency,
            success: d.success,
            error_type: d.success ? null : 'upstream_error',
          }));
          const summary = summarize(generated);
          const read = parseExposition(renderMetrics(generated));
          const duration = histogramSeries(read, 'gen_ai_client_operation_duration_seconds');
          expect(new Set(duration.map((s) => s.labels.gen_ai_request_model))).toEqual(
            new Set(Object.keys(summary.by_model)),
          );
          expect(new Set(duration.map((s) => s.labels.project))).toEqual(new Set(Object.keys(summary.by_project)));
          for (const [m, group] of Object.entries(summary.by_model))
            expect(countOf(duration, model(m))).toBe(group.requests);
          for (const series of duration) {
            const counts = series.buckets.map((b) => b.count);
            expect(counts).toEqual([...counts].sort((a, b) => a - b));
            expect(counts.at(-1)).toBe(series.count);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
