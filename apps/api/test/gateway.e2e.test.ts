/**
 * End to end: the gateway started as `pnpm start` starts it, in front of the stand-in
 * Ollama, used by the official `ollama` client and by plain fetch on /v1. Answers equal
 * direct ones; /stats and /stats/:model then report exactly what summarize() computes
 * from the stored records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  byPromptTokens,
  hourly,
  type ModelSummary,
  type RequestMetric,
  type Summary,
  summarize,
} from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import { type GatewayProcess, runCli, startGatewayProcess } from './support/gateway-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-e2e-'));
const database = join(dir, 'gateway.sqlite');
let ollama: StandIn;
let gateway: GatewayProcess;

beforeAll(async () => {
  ollama = await startStandInOllama({ firstChunkDelayMs: 30 });
  gateway = await startGatewayProcess({ OLLAMA_URL: ollama.url, DATABASE_URL: `sqlite:${database}` });
});
afterAll(async () => {
  await gateway?.stop();
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

const messages = [{ role: 'user' as const, content: 'Say hello in three languages 🌍' }];

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function storedRecords(): Promise<RequestMetric[]> {
  const store = await openStore(`sqlite:${database}`);
  try {
    return await store.records();
  } finally {
    await store.close();
  }
}

async function waitForRecords(n: number): Promise<RequestMetric[]> {
  // DESIGN.md: a record is visible within 1 s after its response ends.
  const deadline = Date.now() + 1000;
  for (;;) {
    const records = await storedRecords();
    if (records.length >= n || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the gateway, end to end', () => {
  it('prints where it listens, the upstream, the database and the dashboard', () => {
    expect(gateway.output()).toContain(`upstream   ${ollama.url}`);
    expect(gateway.output()).toContain(`database   SQLite ${database}`);
    expect(gateway.output()).toContain(`dashboard  ${gateway.url}/dashboard`);
  });

  it('answers the ollama client and /v1 fetches exactly as Ollama does, and records each request', async () => {
    const direct = new Ollama({ host: ollama.url });
    const via = new Ollama({ host: gateway.url, headers: { 'X-Project-Name': 'alpha' } });

    // First request for the model through the gateway: a cold load.
    const coldParts = await collect(await via.chat({ model: 'llama3.2', messages, stream: true }));
    const warmDirect = await collect(await direct.chat({ model: 'llama3.2', messages, stream: true }));
    const warmVia = await collect(await via.chat({ model: 'llama3.2', messages, stream: true }));
    expect(warmVia).toEqual(warmDirect);
    expect(coldParts.at(-1)).toMatchObject({ load_duration: 2_500_000_000 });

    expect(await via.generate({ model: 'llama3.2', prompt: 'hi' })).toEqual(
      await direct.generate({ model: 'llama3.2', prompt: 'hi' }),
    );
    await direct.embed({ model: 'all-minilm', input: 'warm-up' }); // loaded directly: warm through the gateway
    expect(await via.embed({ model: 'all-minilm', input: ['a', 'b'] })).toEqual(
      await direct.embed({ model: 'all-minilm', input: ['a', 'b'] }),
    );

    const v1 = JSON.stringify({ model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } });
    const v1Direct = await (await fetch(`${ollama.url}/v1/chat/completions`, { method: 'POST', body: v1 })).text();
    const v1Via = await (await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: v1 })).text();
    expect(v1Via).toBe(v1Direct);

    const missing = await via.chat({ model: 'llama9', messages }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: 'ResponseError', status_code: 404 });
    const midStream = await collect(await via.generate({ model: 'midstream-error', prompt: 'x', stream: true })).catch(
      (e: unknown) => e,
    );
    expect(midStream).toBeInstanceOf(Error);

    const records = await waitForRecords(7);
    expect(records).toHaveLength(7);
  });

  it('reports in /stats exactly what summarize() computes from the stored records', async () => {
    const records = await storedRecords();
    const { availability, ...stats } = (await (await fetch(`${gateway.url}/stats`)).json()) as Summary;
    expect(stats).toEqual(summarize(records));
    // The poller's view of Ollama, beside what the records say: it answered every poll.
    expect(availability).toMatchObject({ share: 1, outages: [] });
    expect(stats).toMatchObject({
      requests: 7,
      failed: 2,
      // llama3.2 loaded through the gateway; the mid-stream error never sent its timings line.
      cold_starts: 1,
      errors_by_type: { model_not_found: 1, stream_error: 1 },
      by_project: { '(none)': { requests: 1 }, alpha: { requests: 6 } },
    });
    // Every streamed request (2 chats, the /v1 stream, the mid-stream error) has a TTFT of at least the stand-in's 30 ms.
    expect(stats.ttft_ms.count).toBe(4);
    expect(stats.ttft_ms.min).toBeGreaterThanOrEqual(30);
    const llama = records.filter((r) => r.model === 'llama3.2');
    const perModel = (await (await fetch(`${gateway.url}/stats/llama3.2`)).json()) as ModelSummary;
    expect(perModel).toEqual({
      ...summarize(records, { model: 'llama3.2' }),
      model: 'llama3.2',
      hourly: hourly(llama),
      by_prompt_tokens: byPromptTokens(llama),
    });
    expect(perModel.tokens_per_second.p50).toBe(50);
  });

  it('rewrites Host to the upstream (Ollama refuses other hosts) and passes other routes', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/api/tags`, { headers: { host: 'ollama.example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });

  it('reports health: Ollama reachable, storage backlog', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last records are flushed within 100 ms
    const health = await (await fetch(`${gateway.url}/healthz`)).json();
    expect(health).toMatchObject({
      status: 'ok',
      ollama: { reachable: true, version: '0.12.6' },
      storage: { backend: 'sqlite', reachable: true, backlog: 0, dropped: 0 },
    });
  });

  it('answers 502 JSON when Ollama is unreachable, and records it', async () => {
    const lonely = await startGatewayProcess({
      OLLAMA_URL: 'http://127.0.0.1:1',
      DATABASE_URL: `sqlite:${join(dir, 'lonely.sqlite')}`,
    });
    try {
      const res = await fetch(`${lonely.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.2', messages }),
      });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({
        error: { code: 'upstream_unreachable', message: expect.stringContaining('did not answer') },
      });
      const healthz = await fetch(`${lonely.url}/healthz`);
      expect(healthz.status).toBe(200);
      const health = await healthz.json();
      // Degraded, yet a 200: a load balancer keeps the gateway, which still answers and records.
      expect(health).toMatchObject({
        status: 'degraded',
        reason: expect.stringContaining('Ollama does not answer'),
        ollama: { reachable: false },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stats = await (await fetch(`${lonely.url}/stats`)).json();
      expect(stats).toMatchObject({
        requests: 1,
        errors_by_type: { upstream_unreachable: 1 },
        by_model: { 'llama3.2': { failed: 1 } },
      });
    } finally {
      await lonely.stop();
    }
  });

  it('flushes pending records on SIGTERM and exits 0', async () => {
    const path = join(dir, 'shutdown.sqlite');
    const short = await startGatewayProcess({ OLLAMA_URL: ollama.url, DATABASE_URL: `sqlite:${path}` });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${short.url}/api/generate`, { method: 'POST', body: '{"model":"llama3.2","stream":false}' }).then((r) =>
          r.text(),
        ),
      ),
    );
    expect(await short.stop()).toBe(0);
    const store = await openStore(`sqlite:${path}`);
    expect(await store.count()).toBe(5);
    await store.close();
  });
});

describe('start-up failures', () => {
  it('says in one line that the port is taken, and exits non-zero', async () => {
    const port = new URL(gateway.url).port;
    const { code, output } = await runCli(['serve'], { PORT: port, OLLAMA_URL: ollama.url, DATABASE_URL: ':memory:' });
    expect(code).not.toBe(0);
    expect(output.trim()).toBe(`ollama-perf: port ${port} on 127.0.0.1 is already in use (set PORT or --port)`);
  });

  it('says in one line that the database is unreachable, and exits non-zero', async () => {
    const { code, output } = await runCli(['serve', '--database-url', 'postgres://nobody:secret@127.0.0.1:1/none'], {
      PORT: '0',
    });
    expect(code).not.toBe(0);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(
      /^ollama-perf: cannot open the database \(PostgreSQL postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none\)/,
    );
    expect(output).not.toContain('secret');
  });

  it('refuses a bad setting by name', async () => {
    const { code, output } = await runCli(['serve'], { PORT: 'eleven', DATABASE_URL: ':memory:' });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^ollama-perf: PORT "eleven" is invalid/);
  });

  it('prints help for serve', async () => {
    const { code, output } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--ollama-url',
      '--database-url',
      '--api-token',
      '--cold-start-ms',
      '--project-header',
    ])
      expect(output).toContain(flag);
  });
});
