/**
 * The Node gateway's own data path (`gatewayListener()`: node:http both ways), where the
 * suites run through the stand-in do not reach: any bytes cut any way pass unchanged with
 * one valid record each, headers cross the hop as a proxy must, request bodies reach
 * Ollama byte for byte, a path prefix on OLLAMA_URL is kept, unusual request targets and
 * reserved routes still go to the Hono app, a client leaving before Ollama answers is
 * recorded, and both paths count one in-flight figure.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestMetricSchema } from '@ollama-perf/core';
import { memorySink } from '@ollama-perf/middleware';
import { cutAt, listenOnPort, rawRequest } from '@ollama-perf/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayListenerOptions, gatewayListener } from '../src/proxy/node-listener.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

/** What the scripted upstream answers next, and what it saw. */
interface Script {
  status: number;
  headers: string[];
  chunks: Buffer[];
  /** Never answer (until the client goes away). */
  hang?: boolean;
}
interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  closedEarly: boolean;
}

let script: Script = { status: 200, headers: [], chunks: [] };
const seen: Seen[] = [];
let upstream: Server;
let upstreamUrl: string;

function answer(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  const entry: Seen = {
    method: req.method ?? '',
    url: req.url ?? '',
    rawHeaders: req.rawHeaders,
    body: Buffer.alloc(0),
    closedEarly: false,
  };
  seen.push(entry);
  res.on('close', () => (entry.closedEarly = !res.writableFinished));
  req.on('data', (chunk: Buffer) => parts.push(chunk));
  req.on('end', async () => {
    entry.body = Buffer.concat(parts);
    const { status, headers, chunks, hang } = script;
    if (hang === true) return;
    res.writeHead(status, headers);
    // One write per macrotask, so the gateway meets the cuts as they were made.
    for (const chunk of chunks) {
      res.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  });
}

interface Served {
  url: string;
  records: ReturnType<typeof memorySink>['records'];
  close(): Promise<void>;
}

async function serve(store: MetricStore, options: Partial<GatewayListenerOptions> = {}): Promise<Served> {
  const sink = memorySink();
  const gateway = gatewayListener({ store, sink, ollamaUrl: upstreamUrl, ...options });
  const served = await listenOnPort(gateway.listener);
  return {
    url: served.url,
    records: sink.records,
    close: () => {
      const closed = served.close();
      gateway.close();
      return closed;
    },
  };
}

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function headerValues(raw: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) values.push(raw[i + 1] as string);
  return values;
}

let store: MetricStore;
let gateway: Served;
beforeAll(async () => {
  upstream = createServer(answer);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  store = await openStore(':memory:');
  gateway = await serve(store);
});
afterAll(async () => {
  await gateway?.close();
  await store?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});
beforeEach(() => {
  script = { status: 200, headers: [], chunks: [] };
});

describe('the Node data path', () => {
  it('passes any status, type and bytes, cut anywhere, through unchanged, with one valid record each', async () => {
    const type = fc.constantFrom(
      null,
      'application/json; charset=utf-8',
      'application/x-ndjson',
      'text/event-stream',
      'text/plain',
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
      fc
        .array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 20 })
        .map((lines) => Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''))),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.array(fc.nat({ max: 3000 }), { maxLength: 12 }),
        type,
        fc.constantFrom(200, 200, 400, 404, 500, 503),
        async (bytes, offsets, contentType, status) => {
          script = {
            status,
            headers: contentType === null ? [] : ['Content-Type', contentType],
            chunks: cutAt(bytes, offsets),
          };
          const recorded = gateway.records.length;
          const res = await fetch(`${gateway.url}/api/chat`, { method: 'POST', body: '{"model":"llama3.2"}' });
          expect(res.status).toBe(status);
          expect(res.headers.get('content-type')).toBe(contentType);
          expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
          await waitFor(() => gateway.records.length === recorded + 1);
          const record = gateway.records.at(-1);
          expect(requestMetricSchema.safeParse(record).error?.issues ?? []).toEqual([]);
          expect(record).toMatchObject({ status, endpoint: '/api/chat', operation: 'chat' });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('drops hop-by-hop headers both ways, rewrites Host, keeps repeated headers and the upstream Date', async () => {
    const date = 'Tue, 01 Jan 2030 00:00:00 GMT';
    script = {
      status: 200,
      headers: [
        'Content-Type',
        'application/json',
        'Connection',
        'X-Upstream-Hop',
        'X-Upstream-Hop',
        'gone',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'Date',
        date,
        'Upgrade',
        'h2c',
      ],
      chunks: [Buffer.from('{"ok":true}')],
    };
    const res = await rawRequest(`${gateway.url}/api/show`, {
      method: 'POST',
      headers: {
        host: 'ollama.example.com',
        connection: 'keep-alive, X-Client-Hop',
        'x-client-hop': 'gone',
        te: 'trailers',
        'x-kept': 'yes',
        'content-type': 'application/json',
      },
      body: '{"model":"llama3.2"}',
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"ok":true}');
    expect(res.headers['x-upstream-hop']).toBeUndefined();
    expect(res.headers.upgrade).toBeUndefined();
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers.date).toBe(date);
    const sent = seen.at(-1) as Seen;
    expect(headerValues(sent.rawHeaders, 'host')).toEqual([new URL(upstreamUrl).host]);
    expect(headerValues(sent.rawHeaders, 'x-client-hop')).toEqual([]);
    expect(headerValues(sent.rawHeaders, 'te')).toEqual([]);
    expect(headerValues(sent.rawHeaders, 'x-kept')).toEqual(['yes']);
    expect(sent.body.toString()).toBe('{"model":"llama3.2"}');
  });

  it('forwards a large chunked request body byte for byte, and records the model it names', async () => {
    const prompt = Buffer.alloc(3 * 1024 * 1024, 'ä').toString('utf8');
    const body = Buffer.from(JSON.stringify({ model: 'qwen2.5vl:7b', prompt, stream: false }));
    script = {
      status: 200,
      headers: ['Content-Type', 'application/json'],
      chunks: [Buffer.from('{"response":"ok","done":true}')],
    };
    const recorded = gateway.records.length;
    const res = await rawRequest(`${gateway.url}/api/generate`, { method: 'POST', body, chunked: true });
    expect(res.status).toBe(200);
    const sent = seen.at(-1) as Seen;
    expect(sent.body.equals(body)).toBe(true);
    expect(headerValues(sent.rawHeaders, 'transfer-encoding')).toEqual(['chunked']);
    await waitFor(() => gateway.records.length === recorded + 1);
    expect(gateway.records.at(-1)).toMatchObject({ model: 'qwen2.5vl:7b', operation: 'generate', success: true });
  });

  it('keeps the path prefix of OLLAMA_URL and the query string', async () => {
    const prefixed = await serve(store, { ollamaUrl: `${upstreamUrl}/ollama/` });
    try {
      script = { status: 200, headers: [], chunks: [Buffer.from('{}')] };
      expect((await fetch(`${prefixed.url}/api/tags?x=1&y=%20`)).status).toBe(200);
      expect(seen.at(-1)?.url).toBe('/ollama/api/tags?x=1&y=%20');
    } finally {
      await prefixed.close();
    }
  });

  it('records a client that leaves before Ollama answers as client_aborted, and closes the upstream request', async () => {
    script = { status: 200, headers: [], chunks: [], hang: true };
    const recorded = gateway.records.length;
    const leaving = new AbortController();
    const sent = fetch(`${gateway.url}/api/chat`, {
      method: 'POST',
      body: '{"model":"llama3.2"}',
      signal: leaving.signal,
    }).catch(() => 'left');
    await waitFor(() => seen.at(-1)?.body.toString() === '{"model":"llama3.2"}');
    const entry = seen.at(-1) as Seen;
    leaving.abort();
    expect(await sent).toBe('left');
    await waitFor(() => gateway.records.length === recorded + 1 && entry.closedEarly);
    expect(gateway.records.at(-1)).toMatchObject({
      model: 'llama3.2',
      success: false,
      error_type: 'client_aborted',
      status: 499,
    });
  });
});

describe('what still goes to the Hono app', () => {
  let guarded: Served;
  beforeAll(async () => {
    guarded = await serve(store, { apiToken: 'secret' });
  });
  afterAll(() => guarded?.close());

  it.each([
    ['/stats', 401],
    ['/stats/llama3.2', 401],
    ['/%73tats', 401],
    ['/api/../stats', 401],
    ['/metrics?x=1', 401],
    ['/healthz/', 404],
  ])('%s is answered by the app (%i), never proxied', async (target, status) => {
    const before = seen.length;
    // Raw, so the target reaches the gateway as written (fetch would normalize it).
    const res = await rawRequest(`${guarded.url}${target}`);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      error: { code: status === 401 ? 'unauthorized' : 'not_found' },
    });
    expect(seen.length).toBe(before);
  });

  it('proxies what only looks reserved', async () => {
    script = { status: 200, headers: [], chunks: [Buffer.from('{}')] };
    expect((await rawRequest(`${guarded.url}/statsx`)).status).toBe(200);
    expect(seen.at(-1)?.url).toBe('/statsx');
  });

  it('counts requests on both paths in one in-flight figure', async () => {
    script = { status: 200, headers: [], chunks: [], hang: true };
    const leaving = new AbortController();
    const first = fetch(`${guarded.url}/api/chat`, {
      method: 'POST',
      body: '{"model":"llama3.2"}',
      signal: leaving.signal,
    }).catch(() => 'left');
    await waitFor(() => seen.at(-1)?.body.toString() === '{"model":"llama3.2"}');
    // A percent-escape sends this one through @hono/node-server, the proxy in proxy/fetch-proxy.ts and ollamaMetrics().
    script = {
      status: 200,
      headers: ['Content-Type', 'application/json'],
      chunks: [Buffer.from('{"model":"all-minilm","embeddings":[[0.1]]}')],
    };
    const recorded = guarded.records.length;
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${guarded.url}/api/%65mbed`, { method: 'POST' }, (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('{"model":"all-minilm","input":"x"}');
    });
    expect(res).toBe(200);
    await waitFor(() => guarded.records.length === recorded + 1);
    expect(guarded.records.at(-1)).toMatchObject({ endpoint: '/api/embed', model: 'all-minilm', concurrency: 2 });
    leaving.abort();
    await first;
  });
});
