/**
 * Model residency and switching, end to end on SQLite and PostgreSQL: a stand-in Ollama
 * that keeps one model loaded (loading another evicts it) and reports long loads after a
 * switch. The stored residency intervals, switch counts, switched_from and switch_load_ms
 * must equal what the scenario scripted; /metrics gauges must match /models.
 * (D1: test/workers/residency.d1.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResidencySampler } from '../src/residency/sampler.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { parseExposition } from './suites/prometheus-text.js';
import { serveGateway, waitUntil } from './support/in-process-gateway.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-residency-'));
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<MetricStore>]> = [
  ['SQLite', () => openStore(`sqlite:${join(dir, 'residency.sqlite')}`)],
  ['PostgreSQL', () => openStore(postgres.url)],
];

describe.each(backends)('residency and switching on %s', (_, open) => {
  let ollama: StandIn;
  let store: MetricStore;
  let gateway: Awaited<ReturnType<typeof serveGateway>>;
  let sampler: ResidencySampler;
  let clock = 0;

  beforeAll(async () => {
    ollama = await startStandInOllama({
      maxLoadedModels: 1,
      coldLoadNs: 1_500_000_000,
      modelVram: 3_000_000_000,
      modelSize: 4_000_000_000,
    });
    store = await open();
    sampler = new ResidencySampler({ store, ollamaUrl: ollama.url, now: () => clock });
    gateway = await serveGateway(store, ollama.url, join(dir, `${Math.random()}.spool.jsonl`), {
      residencySampledAt: () => sampler.lastSampleAt,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await store?.close();
    await ollama?.close();
  });

  async function chat(model: string): Promise<void> {
    const res = await fetch(`${gateway.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: false }),
    });
    expect(res.status).toBe(200);
    await res.text();
  }
  async function sampleAt(ts: number) {
    clock = ts;
    return sampler.sample();
  }

  it('stores what the scenario scripted', async () => {
    expect(await sampleAt(1000)).toEqual([]); // nothing loaded yet
    await chat('llama3.2'); // cold, first model: not a switch
    expect((await sampleAt(2000))?.map((e) => [e.model, e.event])).toEqual([['llama3.2', 'loaded']]);
    await chat('llama3.2'); // warm
    ollama.configure({ coldLoadNs: 9_000_000_000 }); // loads after a switch are long
    await chat('qwen2.5vl:7b'); // evicts llama3.2
    expect((await sampleAt(3000))?.map((e) => [e.model, e.event])).toEqual([
      ['qwen2.5vl:7b', 'loaded'],
      ['llama3.2', 'unloaded'],
    ]);
    await chat('llama3.2'); // evicts qwen, switch back
    await sampleAt(4000);
    expect(await waitUntil(async () => (await store.count()) === 4)).toBe(true);

    const records = await store.records();
    expect(records.map((r) => [r.model, r.cold_start, r.switched_from, r.load_duration_ms])).toEqual([
      ['llama3.2', true, null, 1500],
      ['llama3.2', false, null, null],
      ['qwen2.5vl:7b', true, 'llama3.2', 9000],
      ['llama3.2', true, 'qwen2.5vl:7b', 9000],
    ]);

    const stats = (await (await fetch(`${gateway.url}/stats`)).json()) as Summary;
    expect(stats).toMatchObject({
      switches: 2,
      cold_starts: 3,
      cold_load_ms: { count: 1, avg: 1500 },
      switch_load_ms: { count: 2, min: 9000, max: 9000 },
      by_model: { 'llama3.2': { switches: 1 }, 'qwen2.5vl:7b': { switches: 1 } },
    });

    const models = (await (await fetch(`${gateway.url}/models?from=0&to=10000`)).json()) as Record<string, unknown>;
    expect(models).toEqual({
      sampled_at: 4000,
      from: 0,
      to: 10000,
      loaded: [{ model: 'llama3.2', since: 4000, size: 4_000_000_000, size_vram: 3_000_000_000, context_length: 4096 }],
      history: [
        {
          model: 'llama3.2',
          from: 2000,
          to: 3000,
          size: 4_000_000_000,
          size_vram: 3_000_000_000,
          context_length: 4096,
        },
        {
          model: 'qwen2.5vl:7b',
          from: 3000,
          to: 4000,
          size: 4_000_000_000,
          size_vram: 3_000_000_000,
          context_length: 4096,
        },
        {
          model: 'llama3.2',
          from: 4000,
          to: null,
          size: 4_000_000_000,
          size_vram: 3_000_000_000,
          context_length: 4096,
        },
      ],
    });
  });

  it('reports on /metrics the gauges /models shows, and the switches', async () => {
    const metrics = parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    const value = (name: string, model: string) =>
      metrics.samples.find((s) => s.name === name && s.labels.gen_ai_request_model === model)?.value;
    expect(value('ollama_model_loaded', 'llama3.2')).toBe(1);
    // A model that left /api/ps has no series left (not one stuck at its last value, nor a 0).
    expect(value('ollama_model_loaded', 'qwen2.5vl:7b')).toBeUndefined();
    expect(value('ollama_model_vram_bytes', 'llama3.2')).toBe(3_000_000_000);
    expect(value('ollama_model_size_bytes', 'llama3.2')).toBe(4_000_000_000);
    expect(value('ollama_model_vram_bytes', 'qwen2.5vl:7b')).toBeUndefined();
    const switches = metrics.samples
      .filter((s) => s.name === 'ollama_model_switches_total')
      .reduce((n, s) => n + s.value, 0);
    expect(switches).toBe(2);
  });

  it('counts requests in flight: 8 at once reach concurrency 8', async () => {
    ollama.configure({ firstChunkDelayMs: 150 });
    const before = await store.count();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${gateway.url}/api/generate`, { method: 'POST', body: '{"model":"llama3.2"}' }).then((r) => r.text()),
      ),
    );
    ollama.configure({ firstChunkDelayMs: 0 });
    expect(await waitUntil(async () => (await store.count()) === before + 8)).toBe(true);
    const fresh = (await store.records()).filter((r) => r.endpoint === '/api/generate');
    expect(fresh.map((r) => r.concurrency).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
