/**
 * Prometheus itself judges what we hand it (Debian's `prometheus` package; `PROMTOOL_PATH`
 * or `promtool` on PATH, installed by .ci/run): `promtool check metrics` on a real /metrics
 * answer with every family populated (requests, residency from a real /api/ps poll, Ollama's
 * availability), and `promtool test rules` on the Grafana dashboard's range-total
 * expressions (grafana/range-totals.test.yml, kept equal to the dashboard by
 * grafana-dashboard.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ResidencySampler } from '../src/residency/sampler.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

const PROMTOOL = process.env.PROMTOOL_PATH || 'promtool';

function promtool(args: string[], input?: string) {
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  if (run.error !== undefined)
    throw new Error(`cannot run ${PROMTOOL} (apt-get install prometheus): ${run.error.message}`);
  return run;
}

let store: MetricStore;
let ollama: StandIn;
let exposition: string;

beforeAll(async () => {
  store = await openStore(':memory:');
  ollama = await startStandInOllama();
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: ollama.url });
  const ingest = await app.request('/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fixtureRecords()),
  });
  expect(ingest.status).toBe(200);
  // A model loaded in the stand-in, so the poll stores residency as well as availability.
  const loaded = await fetch(`${ollama.url}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', prompt: 'hi', stream: false }),
  });
  expect(loaded.status).toBe(200);
  await loaded.text();
  const sampler = new ResidencySampler({ store, ollamaUrl: ollama.url, intervalMs: 1000 });
  expect(await sampler.sample()).not.toBeNull();
  exposition = await (await app.request('/metrics')).text();
});
afterAll(async () => {
  await store?.close();
  await ollama?.close();
});

describe('promtool', () => {
  it('finds no problem in /metrics with every family populated', () => {
    for (const family of ['gen_ai_client_operation_duration_seconds', 'ollama_up', 'ollama_model_loaded'])
      expect(exposition).toContain(`# TYPE ${family} `);
    const run = promtool(['check', 'metrics'], exposition);
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  it("passes the Grafana dashboard's range totals through promtool test rules", () => {
    const run = promtool(['test', 'rules', 'grafana/range-totals.test.yml']);
    expect(run.stdout).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});
