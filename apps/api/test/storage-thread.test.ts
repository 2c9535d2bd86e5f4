/**
 * The proxy never waits for storage: the Node gateway (`startGateway`, as `ollama-perf serve`
 * runs it) keeps every database call on its storage thread. A store that holds its thread for
 * seconds per call — as a synchronous query over millions of rows does — must not hold a
 * proxied request, and a storage queue past its bound answers `/ingest` with 503 +
 * `Retry-After` instead of growing. Nothing here asserts a duration: each test checks an
 * order of events that only isolation makes possible.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { record } from '@ollama-perf/testkit/records';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { type RunningGateway, startGateway } from '../src/node.js';
import { waitUntil } from './support/in-process-gateway.js';

const BLOCKING_OPENER = new URL('./support/blocking-store.ts', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-thread-'));
let ollama: StandIn;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  ollama = await startStandInOllama();
});
afterEach(async () => {
  await gateway?.stop(1000);
  gateway = undefined;
  delete process.env.BLOCKING_STORE_MS;
});
afterAll(async () => {
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, blockMs: number): Promise<RunningGateway> {
  // The storage thread inherits the environment it starts with.
  process.env.BLOCKING_STORE_MS = String(blockMs);
  const config = resolveConfig({
    PORT: '0',
    OLLAMA_URL: ollama.url,
    DATABASE_URL: `sqlite:${join(dir, `${name}.sqlite`)}`,
    RESIDENCY_INTERVAL_MS: '0',
    ROLLUP_INTERVAL_MS: '0',
  });
  gateway = await startGateway(config, { storageOpener: BLOCKING_OPENER });
  return gateway;
}

const ingest = (base: string, records: unknown[]) =>
  fetch(`${base}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });

const generate = (base: string, i: number) =>
  fetch(`${base}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', prompt: `p${i}`, stream: false }),
  });

describe('the storage thread', () => {
  it('proxies requests while a statistics query holds the database for seconds', async () => {
    const { url } = await start('blocked', 2000);
    const order: string[] = [];
    const stats = fetch(`${url}/stats`).then(async (res) => {
      order.push(`stats ${res.status}`);
      return (await res.json()) as { requests: number };
    });
    // Let /stats reach the storage thread first: on one thread, everything after it would wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 5; i++) {
      const res = await generate(url, i);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { done: boolean }).done).toBe(true);
      order.push(`proxied ${i}`);
    }
    await stats;
    expect(order).toEqual(['proxied 0', 'proxied 1', 'proxied 2', 'proxied 3', 'proxied 4', 'stats 200']);
    // And the five records still arrive, once the storage thread has caught up.
    const counted = await waitUntil(async () => {
      const summary = (await (await fetch(`${url}/stats`)).json()) as { requests: number };
      return summary.requests === 5;
    }, 60_000);
    expect(counted).toBe(true);
  });

  it('answers /ingest with 503 and Retry-After past the bound on queued calls, and takes the retry', async () => {
    const { url } = await start('busy', 150);
    const batches = Array.from({ length: 24 }, (_, i) => [record({ id: `busy-${i}`, ts: 1_795_000_000_000 + i })]);
    const answers = await Promise.all(batches.map((batch) => ingest(url, batch)));
    const refused = answers.filter((res) => res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((res) => res.status === 200).length + refused.length).toBe(batches.length);
    for (const res of refused) {
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_busy');
    }
    // A client that honours Retry-After gets every refused batch in.
    const retried = batches.filter((_, i) => answers[i]?.status === 503);
    for (const batch of retried) {
      let res = await ingest(url, batch);
      while (res.status === 503) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        res = await ingest(url, batch);
      }
      expect(res.status).toBe(200);
    }
    const summary = (await (await fetch(`${url}/stats`)).json()) as { requests: number };
    expect(summary.requests).toBe(batches.length);
  });

  it('reports the storage queue and the proxy thread’s event-loop delay in /healthz and /metrics', async () => {
    const { url } = await start('health', 0);
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      storage: { backend: string; queue_depth: number };
      proxy: { event_loop_delay_ms: { p99: number; max: number } };
    };
    expect(health.storage.backend).toBe('sqlite');
    expect(health.storage.queue_depth).toBeGreaterThanOrEqual(0);
    expect(health.proxy.event_loop_delay_ms.p99).toBeGreaterThanOrEqual(0);
    expect(health.proxy.event_loop_delay_ms.max).toBeGreaterThanOrEqual(health.proxy.event_loop_delay_ms.p99);
    // The same figures as Prometheus gauges.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^ollama_perf_event_loop_delay_seconds\{stat="p99"\} \d/m);
    expect(metrics).toMatch(/^ollama_perf_event_loop_delay_seconds\{stat="max"\} \d/m);
    expect(metrics).toMatch(/^ollama_perf_storage_queue_depth \d+$/m);
  });
});
