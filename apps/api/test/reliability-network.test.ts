/**
 * Upstream and client faults through the gateway: Ollama refusing connections, hanging
 * before its first byte, going silent mid-stream, cutting a stream; a client leaving
 * mid-stream; a client reading slowly (backpressure); many concurrent streams; a SIGTERM
 * with streams in flight. Every case is recorded with the right error type.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestMetric } from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { startGatewayProcess } from './support/gateway-process.js';
import { type InProcessGateway, serveGateway, waitUntil } from './support/in-process-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-net-'));
let ollama: StandIn;
let store: MetricStore;
let gateway: InProcessGateway;
// Default timeouts, for the cases where Ollama is slow to start but fine (a 19 MB answer).
let patient: InProcessGateway;

beforeAll(async () => {
  ollama = await startStandInOllama();
  store = await openStore(':memory:');
  gateway = await serveGateway(store, ollama.url, join(dir, 'spool.jsonl'), {
    firstByteTimeoutMs: 400,
    idleTimeoutMs: 400,
  });
  patient = await serveGateway(store, ollama.url, join(dir, 'patient-spool.jsonl'));
});
afterAll(async () => {
  await gateway?.close();
  await patient?.close();
  await store?.close();
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => ollama.configure({ firstChunkDelayMs: 0, chunkDelayMs: 0, slowLineDelayMs: 25, maxChunks: 0 }));

async function lastRecord(before: number): Promise<RequestMetric> {
  expect(await waitUntil(async () => (await store.count()) > before)).toBe(true);
  return (await store.records()).at(-1) as RequestMetric;
}

describe('upstream faults', () => {
  it('Ollama hangs before answering → 504 JSON after the first-byte timeout, upstream_timeout, connection closed', async () => {
    const before = await store.count();
    const res = await fetch(`${gateway.url}/api/generate`, { method: 'POST', body: '{"model":"hang"}' });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect(await lastRecord(before)).toMatchObject({
      model: 'hang',
      success: false,
      error_type: 'upstream_timeout',
      status: 504,
    });
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
  });

  it('Ollama goes silent mid-stream → the stream is closed after the idle timeout, upstream_timeout', async () => {
    const before = await store.count();
    const res = await fetch(`${gateway.url}/api/generate`, { method: 'POST', body: '{"model":"stall"}' });
    expect(res.status).toBe(200);
    const text = await res.text().catch(() => 'cut');
    expect(text === 'cut' || !text.includes('"done":true')).toBe(true);
    expect(await lastRecord(before)).toMatchObject({
      model: 'stall',
      success: false,
      error_type: 'upstream_timeout',
      stream: true,
    });
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
  });

  it('Ollama closes a stream early → the client sees the close, recorded as stream_error', async () => {
    const before = await store.count();
    const res = await fetch(`${gateway.url}/api/chat`, { method: 'POST', body: '{"model":"cutoff"}' });
    const outcome = await res.text().then(
      () => 'ended',
      () => 'closed',
    );
    expect(['ended', 'closed']).toContain(outcome);
    expect(await lastRecord(before)).toMatchObject({ model: 'cutoff', success: false, error_type: 'stream_error' });
  });
});

describe('client faults', () => {
  it('a client leaving mid-stream closes the upstream request and is recorded as client_aborted', async () => {
    const before = await store.count();
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      body: '{"model":"slow"}',
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const leftAt = performance.now();
    controller.abort();
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    const closedAfterMs = performance.now() - leftAt;
    // 2000 lines 25 ms apart would take 50 s: the stand-in saw the close long before its end.
    expect(upstream?.closedEarly).toBe(true);
    expect(closedAfterMs).toBeLessThan(10_000);
    expect(await lastRecord(before)).toMatchObject({ model: 'slow', error_type: 'client_aborted' });
  });

  it('a slow reader holds the upstream back instead of filling memory (backpressure)', async () => {
    const before = await store.count();
    ollama.configure({ maxChunks: 20_000 });
    const body = JSON.stringify({ model: 'llama3.2', prompt: 'long', options: { num_predict: 1_000_000 } });
    const total = await new Promise<{ whilePaused: number; received: number }>((resolve, reject) => {
      const req = httpRequest(`${patient.url}/api/generate`, { method: 'POST' }, (res) => {
        expect(res.statusCode).toBe(200);
        res.pause();
        setTimeout(() => {
          const whilePaused = ollama.requests.at(-1)?.bytesSent ?? 0;
          let received = 0;
          res.on('data', (chunk: Buffer) => (received += chunk.length));
          res.on('end', () => resolve({ whilePaused, received }));
          res.resume();
        }, 1500);
      });
      req.on('error', reject);
      req.end(body);
    });
    const upstream = ollama.requests.at(-1);
    // The whole answer is ~50 MB. While the client paused, only what fits in the loopback
    // socket buffers (a few MB each way) left Ollama: the gateway held nothing back itself.
    expect(total.received).toBe(upstream?.bytesSent);
    expect(total.received).toBeGreaterThan(45_000_000);
    expect(total.whilePaused).toBeLessThan(total.received / 2);
    expect(await lastRecord(before)).toMatchObject({ success: true, eval_count: 1_000_000 });
  });

  it('200 concurrent streams: zero errors, one record each', async () => {
    const startedAt = Date.now();
    const mine = async () => (await store.records({ from: startedAt })).filter((r) => r.endpoint === '/api/chat');
    ollama.configure({ chunkDelayMs: 2 });
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await fetch(`${patient.url}/api/chat`, {
          method: 'POST',
          body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: `q${i}` }] }),
        });
        const text = await res.text();
        return res.status === 200 && text.includes('"done":true');
      }),
    );
    expect(results.filter((ok) => !ok)).toHaveLength(0);
    expect(await waitUntil(async () => (await mine()).length === 200, 10_000)).toBe(true);
    const fresh = await mine();
    expect(fresh.every((r) => r.success)).toBe(true);
    expect(Math.max(...fresh.map((r) => r.concurrency ?? 0))).toBeGreaterThan(1);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM lets in-flight streams finish, flushes their records, exits 0', async () => {
    const path = join(dir, 'shutdown.sqlite');
    const child = await startGatewayProcess({ OLLAMA_URL: ollama.url, DATABASE_URL: `sqlite:${path}` });
    const body = JSON.stringify({ model: 'slow', prompt: 'x', options: { num_predict: 40 } });
    const streams = Array.from({ length: 3 }, () =>
      fetch(`${child.url}/api/generate`, { method: 'POST', body }).then((r) => r.text()),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // streams under way (40 lines × 25 ms each)
    const exited = child.stop();
    const texts = await Promise.all(streams);
    for (const text of texts) expect(text.trim().split('\n').at(-1)).toContain('"done":true');
    expect(await exited).toBe(0);
    const after = await openStore(`sqlite:${path}`);
    expect((await after.records()).map((r) => r.success)).toEqual([true, true, true]);
    await after.close();
  });
});
