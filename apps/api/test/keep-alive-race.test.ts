/**
 * The Node data path and Ollama closing idle keep-alive connections: a request written on a
 * pooled connection just as Ollama closes it is the gateway's own race, not Ollama being
 * down — it is sent again, once, on a fresh connection, body and all, and succeeds. Only a
 * connection that fails again, a fresh one, a body too large to replay, a refused port or a
 * silent Ollama give `upstream_unreachable` / `upstream_timeout`.
 */
import { memorySink } from '@ollama-perf/middleware';
import {
  deadUrl,
  expectRecord,
  type IdleClosingUpstream,
  type IdleClosingUpstreamOptions,
  rawRequest,
  startIdleClosingUpstream,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/app.js';
import { openStore } from '../src/storage/open-node.js';
import { DATA_PATHS, type DataPath, serveBothDataPaths } from './support/both-data-paths.js';
import { waitUntil } from './support/in-process-gateway.js';

const CHAT = JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway (fresh keep-alive pool) in front of `ollamaUrl`, served on `way`, and its records. */
async function gatewayTo(ollamaUrl: string, extra: Partial<AppDeps> = {}, way: DataPath = 'Node listener') {
  const store = await openStore(':memory:');
  const sink = memorySink();
  const both = await serveBothDataPaths({ store, sink, ollamaUrl, ...extra });
  cleanups.push(async () => {
    for (const path of DATA_PATHS) await both[path].close();
    await store.close();
  });
  const served = both[way];
  const chat = (body: string | Buffer = CHAT) => rawRequest(`${served.url}/api/chat`, { method: 'POST', body });
  const get = (path: string) => rawRequest(served.url + path);
  const lastRecord = async () => {
    expect(await waitUntil(() => sink.records.length > 0)).toBe(true);
    return sink.records.at(-1);
  };
  return { chat, get, lastRecord };
}

async function idleClosing(options: IdleClosingUpstreamOptions = {}): Promise<IdleClosingUpstream> {
  const upstream = await startIdleClosingUpstream(options);
  cleanups.push(() => upstream.close());
  return upstream;
}

describe('a pooled connection Ollama closes as the request arrives', () => {
  it('is retried once on a fresh connection with the same body, and the request succeeds', async () => {
    const ollama = await idleClosing();
    const gateway = await gatewayTo(ollama.url);
    expect((await gateway.chat()).status).toBe(200);
    const body = JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'again, ünïcödé 🦙' }] });
    const res = await gateway.chat(body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ done: true });
    expect(ollama.cut).toBe(1);
    const [first, retried] = ollama.answered;
    expect(retried?.body.toString()).toBe(body);
    expect(retried?.connection).not.toBe(first?.connection);
    expectRecord(await gateway.lastRecord(), { model: 'llama3.2', status: 200, success: true, eval_count: 2 });
  });

  it('answers 502 upstream_unreachable when the fresh connection fails too', async () => {
    const ollama = await idleClosing({ resetPaths: ['/api/chat'] });
    const gateway = await gatewayTo(ollama.url);
    // A path it answers, to leave a pooled connection behind.
    expect((await gateway.get('/api/tags')).status).toBe(200);
    const res = await gateway.chat();
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'upstream_unreachable' } });
    expect(ollama.cut).toBe(2);
    expectRecord(await gateway.lastRecord(), { status: 502, success: false, error_type: 'upstream_unreachable' });
  });

  it('is retried after the whole request went out on it, too', async () => {
    const ollama = await idleClosing({ cutReused: 'whole-request' });
    const gateway = await gatewayTo(ollama.url);
    expect((await gateway.chat()).status).toBe(200);
    expect((await gateway.chat()).status).toBe(200);
    expect(ollama.cut).toBe(1);
    expect(ollama.answered.map((r) => r.body.toString())).toEqual([CHAT, CHAT]);
  });

  it('is not retried when the body went over the replay bound (1 MiB): 502 upstream_unreachable', async () => {
    // Cut once the whole body arrived: the gateway has piped all of it, past the bound.
    const ollama = await idleClosing({ cutReused: 'whole-request' });
    const gateway = await gatewayTo(ollama.url);
    expect((await gateway.chat()).status).toBe(200);
    const prompt = 'x'.repeat(1024 * 1024);
    const res = await gateway.chat(JSON.stringify({ model: 'llama3.2', prompt }));
    expect(res.status).toBe(502);
    expect(ollama.answered).toHaveLength(1);
    expectRecord(await gateway.lastRecord(), { status: 502, success: false, error_type: 'upstream_unreachable' });
  });
});

describe('the same race on the fetch data path (the Hono app)', () => {
  it('is retried once with the same body, and the request succeeds', async () => {
    const ollama = await idleClosing();
    const gateway = await gatewayTo(ollama.url, {}, 'Hono app');
    expect((await gateway.chat()).status).toBe(200);
    const res = await gateway.chat();
    expect(res.status).toBe(200);
    expect(ollama.cut).toBe(1);
    expect(ollama.answered.map((r) => r.body.toString())).toEqual([CHAT, CHAT]);
    expectRecord(await gateway.lastRecord(), { model: 'llama3.2', status: 200, success: true, eval_count: 2 });
  });

  it('answers 502 upstream_unreachable when the second attempt fails too', async () => {
    const ollama = await idleClosing({ resetPaths: ['/api/chat'] });
    const gateway = await gatewayTo(ollama.url, {}, 'Hono app');
    const res = await gateway.chat();
    expect(res.status).toBe(502);
    expect(ollama.cut).toBe(2);
    expectRecord(await gateway.lastRecord(), { status: 502, success: false, error_type: 'upstream_unreachable' });
  });
});

describe('what is still Ollama’s failure', () => {
  it('a fresh connection cut before any answer is not retried: 502 upstream_unreachable', async () => {
    const ollama = await idleClosing({ resetPaths: ['/api/chat'] });
    const gateway = await gatewayTo(ollama.url);
    const res = await gateway.chat();
    expect(res.status).toBe(502);
    expect(ollama.cut).toBe(1);
    expectRecord(await gateway.lastRecord(), { status: 502, success: false, error_type: 'upstream_unreachable' });
  });

  it('a refused port: 502 upstream_unreachable', async () => {
    const gateway = await gatewayTo(await deadUrl());
    const res = await gateway.chat();
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'upstream_unreachable' } });
    expectRecord(await gateway.lastRecord(), { status: 502, success: false, error_type: 'upstream_unreachable' });
  });

  it('an Ollama that never answers: 504 upstream_timeout', async () => {
    const ollama = await startStandInOllama();
    cleanups.push(() => ollama.close());
    const gateway = await gatewayTo(ollama.url, { firstByteTimeoutMs: 300 });
    const res = await gateway.chat(JSON.stringify({ model: 'hang', prompt: 'hi' }));
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'upstream_timeout' } });
    expectRecord(await gateway.lastRecord(), { status: 504, success: false, error_type: 'upstream_timeout' });
  });
});
