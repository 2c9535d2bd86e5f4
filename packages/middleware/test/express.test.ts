/**
 * The Express adapter on a real port, in front of the stand-in Ollama: (a) proxying with
 * http-proxy-middleware v3, (b) a handler calling the official `ollama` client. Clients
 * must get what Ollama itself answers, and every inference request exactly one right record.
 */
import type { RequestListener } from 'node:http';
import {
  answerTimings,
  deadUrl,
  expectRecord,
  listenOnPort,
  type ServedApp,
  type StandIn,
  startStandInOllama,
} from '@ollama-perf/testkit';
import express, { type NextFunction, type Request, type Response } from 'express';
import fc from 'fast-check';
import { createProxyMiddleware, fixRequestBody } from 'http-proxy-middleware';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortUpstreamOnClose, type ExpressOllamaMetricsOptions, ollamaMetrics } from '../src/express.js';
import { memorySink } from '../src/index.js';
import { expressProxyApp } from './express-proxy.js';
import {
  bytesOf,
  CHAT_MESSAGES,
  collect,
  eventually,
  expectClientJsonRecord,
  expectMidStreamErrorRecorded,
  expectPacedClientChatRecorded,
  expectPacedStreamsRecorded,
  expectWarmStreamRecord,
  resetBetweenTests,
} from './support.js';

let ollama: StandIn;
const sink = memorySink();
const errors: unknown[] = [];
const options: ExpressOllamaMetricsOptions = { sink, onError: (e) => errors.push(e) };

/** The `ollama` client's ResponseError (not exported by the package): an Error with `status_code`. */
function isResponseError(error: unknown): error is Error & { error: string; status_code: number } {
  return error instanceof Error && typeof (error as { status_code?: unknown }).status_code === 'number';
}

/** An Express app whose routes call the `ollama` client and send the result themselves. */
function handlerApp(upstream: string, metrics: ExpressOllamaMetricsOptions): RequestListener {
  const client = new Ollama({ host: upstream });
  const app = express();
  app.use(express.json());
  app.use(ollamaMetrics(metrics));
  app.post(['/api/chat', '/api/generate'], async (req: Request, res: Response) => {
    const call = (body: object) =>
      (req.path === '/api/chat' ? client.chat(body as never) : client.generate(body as never)) as Promise<unknown>;
    const request = req.body as Record<string, unknown>;
    try {
      if (request.stream !== true) {
        res.json(await call({ ...request, stream: false }));
        return;
      }
      const parts = (await call({ ...request, stream: true })) as AsyncIterable<unknown> & { abort(): void };
      res.setHeader('Content-Type', 'application/x-ndjson');
      res.once('close', () => {
        if (!res.writableFinished) parts.abort();
      });
      try {
        for await (const part of parts) res.write(`${JSON.stringify(part)}\n`);
      } catch (error) {
        // Ollama's own way to report a failure after the 200: an error line.
        if (!res.destroyed) res.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
      }
      res.end();
    } catch (error) {
      if (!isResponseError(error)) throw error;
      res.status(error.status_code).json({ error: error.error });
    }
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  return app;
}

beforeAll(async () => {
  ollama = await startStandInOllama();
  // Load the models once: every later answer is warm and byte-for-byte repeatable.
  const warm = new Ollama({ host: ollama.url });
  await warm.generate({ model: 'llama3.2', prompt: 'warm up' });
  await warm.embed({ model: 'all-minilm', input: 'warm up' });
});
afterAll(async () => {
  await ollama.close();
});
beforeEach(() => resetBetweenTests(sink, errors, ollama));

const messages = CHAT_MESSAGES;
const expectedChat = answerTimings(JSON.stringify(messages).length, 8, 0);

describe('Express proxying with http-proxy-middleware', () => {
  let proxy: ServedApp;
  beforeAll(async () => {
    proxy = await listenOnPort(expressProxyApp(ollama.url, options));
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('gives the ollama client the same streamed chat as Ollama itself, for any chunking', async () => {
    const direct = new Ollama({ host: ollama.url });
    const viaProxy = new Ollama({ host: proxy.url });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 120 }),
        async (seed, maxChunks) => {
          sink.records.length = 0;
          ollama.configure({ seed, maxChunks });
          const want = await collect(await direct.chat({ model: 'llama3.2', messages, stream: true }));
          ollama.configure({ seed, maxChunks });
          const got = await collect(await viaProxy.chat({ model: 'llama3.2', messages, stream: true }));
          expect(got).toEqual(want);
          await eventually(() => expect(sink.records).toHaveLength(1));
          expectWarmStreamRecord(sink.records[0], {
            operation: 'chat',
            endpoint: '/api/chat',
            promptChars: JSON.stringify(messages).length,
          });
        },
      ),
      { numRuns: 15 },
    );
    expect(errors).toEqual([]);
  });

  it('counts the content chunks of a /v1 stream without usage and of a native one, and their pace', async () => {
    await expectPacedStreamsRecorded(proxy.url, sink, ollama);
  });

  it('passes bytes through unchanged (NDJSON, JSON, SSE, errors, other routes) and records each inference request', async () => {
    const requests: Array<[string, string, object | undefined, object | null]> = [
      [
        'POST',
        '/api/generate',
        { model: 'llama3.2', prompt: 'hi' },
        { operation: 'generate', model: 'llama3.2', stream: true, success: true, eval_count: 8, tokens_per_second: 50 },
      ],
      [
        'POST',
        '/api/generate',
        { model: 'llama3.2', prompt: 'hi', stream: false },
        { operation: 'generate', stream: false, success: true, eval_count: 8, ttft_ms: null },
      ],
      [
        'POST',
        '/api/embed',
        { model: 'all-minilm', input: ['a', 'b'] },
        { operation: 'embed', model: 'all-minilm', stream: false, success: true, eval_count: null },
      ],
      // /api/embeddings names no model in its answer, and the request body is not read: see the fixRequestBody test.
      [
        'POST',
        '/api/embeddings',
        { model: 'all-minilm', prompt: 'a' },
        { operation: 'embed', model: 'unknown', stream: false, success: true },
      ],
      [
        'POST',
        '/v1/chat/completions',
        { model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } },
        {
          operation: 'chat',
          model: 'llama3.2',
          stream: true,
          success: true,
          eval_count: 8,
          prompt_eval_count: expectedChat.prompt_eval_count,
          done_reason: 'stop',
        },
      ],
      [
        'POST',
        '/v1/completions',
        { model: 'llama3.2', prompt: 'x' },
        { operation: 'generate', stream: false, success: true, eval_count: 8 },
      ],
      [
        'POST',
        '/v1/embeddings',
        { model: 'all-minilm', input: 'x' },
        { operation: 'embed', model: 'all-minilm', stream: false, success: true },
      ],
      [
        'POST',
        '/api/chat',
        { model: 'nope', messages },
        { operation: 'chat', model: 'nope', status: 404, success: false, error_type: 'model_not_found' },
      ],
      [
        'POST',
        '/api/chat',
        { model: 'midstream-error', messages },
        {
          operation: 'chat',
          model: 'midstream-error',
          status: 200,
          stream: true,
          success: false,
          error_type: 'stream_error',
        },
      ],
      ['GET', '/api/tags', undefined, null],
      ['GET', '/api/ps', undefined, null],
    ];
    let recorded = 0;
    for (const [method, path, body, record] of requests) {
      const init = { method, body: body === undefined ? null : JSON.stringify(body) };
      await (await fetch(ollama.url + path, init)).arrayBuffer(); // warm the model up
      ollama.configure({ seed: 7 });
      const want = await fetch(ollama.url + path, init);
      ollama.configure({ seed: 7 });
      const got = await fetch(proxy.url + path, init);
      expect([got.status, got.headers.get('content-type')]).toEqual([want.status, want.headers.get('content-type')]);
      expect((await bytesOf(got)).equals(await bytesOf(want))).toBe(true);
      if (record === null) continue;
      recorded++;
      await eventually(() => expect(sink.records).toHaveLength(recorded));
      expectRecord(sink.records.at(-1), { endpoint: path, ...record });
    }
    // GET routes were never recorded, not even late.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.records).toHaveLength(recorded);
    expect(errors).toEqual([]);
  });

  it.each([
    // 503 and 500 bodies do not name the model, and the request body is not read.
    ['nope', 404, 'model_not_found', 'model "nope" not found, try pulling it first', 'nope'],
    ['busy', 503, 'upstream_busy', 'server busy, please try again.  maximum pending requests exceeded', 'unknown'],
    ['broken', 500, 'upstream_error', 'llama runner process has terminated: exit status 2', 'unknown'],
  ] as const)(
    'passes model %s (HTTP %i) through and records %s',
    async (model, status, errorType, message, recordedModel) => {
      const failure = await new Ollama({ host: proxy.url })
        .chat({ model, messages, stream: true })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'ResponseError', status_code: status, error: message });
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectRecord(sink.records[0], {
        model: recordedModel,
        status,
        success: false,
        error_type: errorType,
        error_message: message,
        stream: false,
      });
    },
  );

  it('records an error line mid-stream as stream_error', async () => {
    await expectMidStreamErrorRecorded(proxy.url, sink);
  });

  it('aborts the upstream request when the client goes away mid-stream, and records client_aborted', async () => {
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/api/generate`, {
      method: 'POST',
      body: '{"model":"slow"}',
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    const upstream = ollama.requests.at(-1);
    expect(upstream?.model).toBe('slow');
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'slow',
      success: false,
      error_type: 'client_aborted',
      stream: true,
    });
  });

  it('aborts the upstream request when the client goes away before the first byte (abortUpstreamOnClose)', async () => {
    // Ollama sends nothing until the first token; http-proxy-middleware alone would let it generate on.
    ollama.configure({ firstChunkDelayMs: 1000 });
    const before = ollama.requests.length;
    const controller = new AbortController();
    const pending = fetch(`${proxy.url}/api/generate`, {
      method: 'POST',
      body: '{"model":"slow"}',
      signal: controller.signal,
    });
    await eventually(() => expect(ollama.requests).toHaveLength(before + 1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], { success: false, error_type: 'client_aborted' });
  });

  it('takes the project from X-Project-Name', async () => {
    await new Ollama({ host: proxy.url, headers: { 'X-Project-Name': 'alpha' } }).generate({
      model: 'llama3.2',
      prompt: 'x',
    });
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], { project: 'alpha', model: 'llama3.2', success: true });
  });

  it('records a proxy that cannot reach Ollama as failed, with the status the client got', async () => {
    const records = memorySink();
    const dead = await listenOnPort(expressProxyApp(await deadUrl(), { sink: records }));
    try {
      const res = await fetch(`${dead.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.2', messages }),
      });
      expect(res.status).toBe(504);
      await res.text();
      await eventually(() => expect(records.records).toHaveLength(1));
      // http-proxy-middleware answers ECONNREFUSED with a plain-text 504; the middleware sees only that.
      expectRecord(records.records[0], {
        endpoint: '/api/chat',
        status: 504,
        success: false,
        error_type: 'upstream_timeout',
        stream: false,
      });
    } finally {
      await dead.close();
    }
  });
});

describe('Express: a router mounted under a prefix', () => {
  let app: ServedApp;
  beforeAll(async () => {
    const router = express.Router();
    router.use(ollamaMetrics(options));
    router.use(
      createProxyMiddleware({ target: ollama.url, changeOrigin: true, on: { proxyReq: abortUpstreamOnClose } }),
    );
    const root = express();
    root.use('/ollama', router);
    app = await listenOnPort(root);
  });
  afterAll(async () => {
    await app.close();
  });

  it('records the full path as endpoint and the right operation', async () => {
    const client = new Ollama({ host: `${app.url}/ollama` });
    const want = await collect(
      await new Ollama({ host: ollama.url }).chat({ model: 'llama3.2', messages, stream: true }),
    );
    expect(await collect(await client.chat({ model: 'llama3.2', messages, stream: true }))).toEqual(want);
    await client.embed({ model: 'all-minilm', input: 'x' });
    const res = await fetch(`${app.url}/ollama/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect((await client.list()).models.map((m) => m.name)).toContain('llama3.2');
    await eventually(() => expect(sink.records).toHaveLength(3));
    expect(sink.records.map((r) => [r.endpoint, r.operation, r.model, r.success])).toEqual([
      ['/ollama/api/chat', 'chat', 'llama3.2', true],
      ['/ollama/api/embed', 'embed', 'all-minilm', true],
      ['/ollama/v1/chat/completions', 'chat', 'llama3.2', true],
    ]);
    expectRecord(sink.records[0], { stream: true, eval_count: 8, tokens_per_second: 50 });
  });
});

describe('Express: express.json() and fixRequestBody before the proxy', () => {
  let app: ServedApp;
  beforeAll(async () => {
    const root = express();
    root.use(express.json());
    root.use(ollamaMetrics(options));
    root.use(
      createProxyMiddleware({
        target: ollama.url,
        changeOrigin: true,
        on: {
          proxyReq: (proxyReq, req, res) => {
            fixRequestBody(proxyReq, req);
            abortUpstreamOnClose(proxyReq, req, res);
          },
        },
      }),
    );
    app = await listenOnPort(root);
  });
  afterAll(async () => {
    await app.close();
  });

  it('records the model of requests whose answer does not name it', async () => {
    const client = new Ollama({ host: app.url });
    for (const model of ['busy', 'broken']) await client.chat({ model, messages }).catch(() => undefined);
    expect(await client.embeddings({ model: 'all-minilm', prompt: 'a' })).toEqual(
      await new Ollama({ host: ollama.url }).embeddings({ model: 'all-minilm', prompt: 'a' }),
    );
    expect((await client.chat({ model: 'llama3.2', messages })).message.content).toBe(
      'Hello wörld, 日本語 🦙 is fast.',
    );
    await eventually(() => expect(sink.records).toHaveLength(4));
    expect(sink.records.map((r) => [r.model, r.error_type])).toEqual([
      ['busy', 'upstream_busy'],
      ['broken', 'upstream_error'],
      ['all-minilm', null],
      ['llama3.2', null],
    ]);
  });
});

describe('Express handler calling the ollama client', () => {
  let app: ServedApp;
  beforeAll(async () => {
    app = await listenOnPort(handlerApp(ollama.url, options));
  });
  afterAll(async () => {
    await app.close();
  });

  const cases = [
    { operation: 'chat', endpoint: '/api/chat', request: { model: 'llama3.2', messages } },
    { operation: 'generate', endpoint: '/api/generate', request: { model: 'llama3.2', prompt: 'Write a haiku 🦙' } },
  ] as const;

  it.each(cases)(
    'answers a streamed $operation as Ollama does and records it',
    async ({ operation, endpoint, request }) => {
      const call = (client: Ollama) =>
        (client[operation] as (body: object) => Promise<AsyncIterable<unknown>>).call(client, {
          ...request,
          stream: true,
        });
      const want = await collect(await call(new Ollama({ host: ollama.url })));
      const got = await collect(await call(new Ollama({ host: app.url })));
      expect(got).toEqual(want);
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectRecord(sink.records[0], {
        model: 'llama3.2',
        operation,
        endpoint,
        stream: true,
        status: 200,
        success: true,
        eval_count: 8,
        tokens_per_second: 50,
        done_reason: 'stop',
        output_chunks: 8,
      });
      expect(sink.records[0]?.ttft_ms).not.toBeNull();
      expect(errors).toEqual([]);
    },
  );

  it('counts the content chunks of a stream and their pace', async () => {
    await expectPacedClientChatRecorded(new Ollama({ host: app.url }), sink, ollama);
  });

  it.each(cases)(
    'answers a non-streamed $operation as Ollama does and records it',
    async ({ operation, endpoint, request }) => {
      const call = (client: Ollama) =>
        (client[operation] as (body: object) => Promise<unknown>).call(client, { ...request, stream: false });
      const want = await call(new Ollama({ host: ollama.url }));
      const got = await call(new Ollama({ host: app.url }));
      expect(got).toEqual(want);
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectClientJsonRecord(sink.records[0], { operation, endpoint });
      expect(errors).toEqual([]);
    },
  );

  it.each([
    ['nope', 404, 'model_not_found'],
    ['busy', 503, 'upstream_busy'],
    ['broken', 500, 'upstream_error'],
  ] as const)(
    'passes model %s (HTTP %i) on and records %s with the model from req.body',
    async (model, status, errorType) => {
      const want = await new Ollama({ host: ollama.url }).chat({ model, messages }).catch((error: unknown) => error);
      const got = await new Ollama({ host: app.url }).chat({ model, messages }).catch((error: unknown) => error);
      expect(got).toMatchObject({
        name: 'ResponseError',
        status_code: status,
        error: (want as { error: string }).error,
      });
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectRecord(sink.records[0], {
        model,
        operation: 'chat',
        status,
        success: false,
        error_type: errorType,
        stream: false,
      });
    },
  );

  it('records an error relayed mid-stream as stream_error', async () => {
    const failure = await collect(
      await new Ollama({ host: app.url }).chat({ model: 'midstream-error', messages, stream: true }),
    ).catch((error: unknown) => error);
    expect((failure as Error).message).toContain('unexpected EOF');
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'midstream-error',
      stream: true,
      success: false,
      error_type: 'stream_error',
    });
  });

  it('records a client that goes away mid-stream as client_aborted, and the handler stops Ollama', async () => {
    const parts = await new Ollama({ host: app.url }).generate({ model: 'slow', prompt: 'x', stream: true });
    let seen = 0;
    const failure = await (async () => {
      for await (const _ of parts) if (++seen === 2) parts.abort();
    })().catch((error: unknown) => error);
    expect((failure as Error).name).toBe('AbortError');
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'slow',
      stream: true,
      success: false,
      error_type: 'client_aborted',
    });
  });

  it('records a handler that cannot reach Ollama with the model from req.body', async () => {
    const records = memorySink();
    const dead = await listenOnPort(handlerApp(await deadUrl(), { sink: records }));
    try {
      const res = await fetch(`${dead.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'llama3.2', messages }),
      });
      expect(res.status).toBe(500);
      await res.text();
      await eventually(() => expect(records.records).toHaveLength(1));
      // Express gives a middleware no view of the thrown error: the 500 the client got is all it sees.
      expectRecord(records.records[0], {
        model: 'llama3.2',
        status: 500,
        success: false,
        error_type: 'upstream_error',
        error_message: 'fetch failed',
      });
    } finally {
      await dead.close();
    }
  });
});
