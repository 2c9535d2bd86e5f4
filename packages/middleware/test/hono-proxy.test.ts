/**
 * ollamaMetrics() on a Hono app served on a real port that proxies to the stand-in Ollama
 * with fetch. The official `ollama` client and plain fetch talk to it; every answer must
 * equal the direct one and every inference request must yield exactly one right record.
 */

import {
  answerTimings,
  deadUrl,
  expectRecord,
  type ServedApp,
  type StandIn,
  serveOnPort,
  startStandInOllama,
} from '@ollama-perf/testkit';
import fc from 'fast-check';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memorySink } from '../src/index.js';
import {
  bytesOf,
  CHAT_MESSAGES,
  eventually,
  expectPacedClientChatRecorded,
  expectPacedStreamsRecorded,
  expectWarmStreamRecord,
  proxyApp,
  resetBetweenTests,
} from './support.js';

let ollama: StandIn;
let proxy: ServedApp;
const sink = memorySink();
const errors: unknown[] = [];

beforeAll(async () => {
  ollama = await startStandInOllama();
  proxy = await serveOnPort(proxyApp(ollama.url, { sink, onError: (e) => errors.push(e) }));
});
afterAll(async () => {
  await proxy.close();
  await ollama.close();
});
beforeEach(() => resetBetweenTests(sink, errors, ollama));

const messages = CHAT_MESSAGES;
const expectedChat = answerTimings(JSON.stringify(messages).length, 8, 0);

describe('through a Hono fetch proxy', () => {
  it('gives the ollama client the same streamed chat as Ollama itself, for any chunking', async () => {
    const direct = new Ollama({ host: ollama.url });
    const viaProxy = new Ollama({ host: proxy.url });
    await direct.chat({ model: 'llama3.2', messages }); // load the model: later answers are warm
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 120 }),
        async (seed, maxChunks) => {
          sink.records.length = 0;
          ollama.configure({ seed, maxChunks });
          const want = [];
          for await (const part of await direct.chat({ model: 'llama3.2', messages, stream: true })) want.push(part);
          ollama.configure({ seed, maxChunks });
          const got = [];
          for await (const part of await viaProxy.chat({ model: 'llama3.2', messages, stream: true })) got.push(part);
          expect(got).toEqual(want);
          await eventually(() => expect(sink.records).toHaveLength(1));
          expectWarmStreamRecord(sink.records[0], {
            operation: 'chat',
            endpoint: '/api/chat',
            promptChars: JSON.stringify(messages).length,
          });
        },
      ),
      { numRuns: 25 },
    );
    expect(errors).toEqual([]);
  });

  it('passes bytes through unchanged: NDJSON, JSON, SSE, errors, other routes', async () => {
    const requests: Array<[string, string, object?]> = [
      ['POST', '/api/generate', { model: 'llama3.2', prompt: 'hi' }],
      ['POST', '/api/generate', { model: 'llama3.2', prompt: 'hi', stream: false }],
      ['POST', '/api/embed', { model: 'all-minilm', input: ['a', 'b'] }],
      ['POST', '/api/embeddings', { model: 'all-minilm', prompt: 'a' }],
      [
        'POST',
        '/v1/chat/completions',
        { model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } },
      ],
      ['POST', '/v1/completions', { model: 'llama3.2', prompt: 'x' }],
      ['POST', '/v1/embeddings', { model: 'all-minilm', input: 'x' }],
      ['POST', '/api/chat', { model: 'nope', messages }],
      ['POST', '/api/chat', { model: 'midstream-error', messages }],
      ['GET', '/api/tags'],
      ['GET', '/api/ps'],
    ];
    for (const [method, path, body] of requests) {
      const init = { method, body: body === undefined ? null : JSON.stringify(body) };
      await (await fetch(ollama.url + path, init)).arrayBuffer(); // warm the model up
      ollama.configure({ seed: 7 });
      const want = await fetch(ollama.url + path, init);
      ollama.configure({ seed: 7 });
      const got = await fetch(proxy.url + path, init);
      expect([got.status, got.headers.get('content-type')]).toEqual([want.status, want.headers.get('content-type')]);
      expect((await bytesOf(got)).equals(await bytesOf(want))).toBe(true);
    }
    await eventually(() => expect(sink.records).toHaveLength(9));
    expect(sink.records.map((r) => r.endpoint)).not.toContain('/api/tags');
  });

  it('records /api/embed and /api/embeddings as embed operations', async () => {
    await new Ollama({ host: proxy.url }).embed({ model: 'all-minilm', input: ['one', 'two'] });
    await new Ollama({ host: proxy.url }).embeddings({ model: 'all-minilm', prompt: 'one' });
    await eventually(() => expect(sink.records).toHaveLength(2));
    const [embed, embeddings] = sink.records;
    expect(embed).toMatchObject({
      operation: 'embed',
      endpoint: '/api/embed',
      stream: false,
      model: 'all-minilm',
      eval_count: null,
      tokens_per_second: null,
    });
    expect(embed?.prompt_eval_count).toBeGreaterThan(0);
    // /api/embeddings names no model in its answer: it comes from the request body.
    expect(embeddings).toMatchObject({
      operation: 'embed',
      endpoint: '/api/embeddings',
      model: 'all-minilm',
      total_duration_ms: null,
      success: true,
    });
  });

  it('reads token counts from OpenAI usage on /v1, streamed and not', async () => {
    const body = { model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } };
    await (await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) })).text();
    await (
      await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ ...body, stream: false }),
      })
    ).text();
    await eventually(() => expect(sink.records).toHaveLength(2));
    for (const record of sink.records) {
      expectRecord(record, {
        operation: 'chat',
        prompt_eval_count: expectedChat.prompt_eval_count,
        eval_count: 8,
        done_reason: 'stop',
        cold_start: null,
        success: true,
      });
    }
    expect(sink.records.map((r) => r.stream)).toEqual([true, false]);
    expect(sink.records[0]?.ttft_ms).not.toBeNull();
    expect(sink.records[1]?.ttft_ms).toBeNull();
  });

  it('tells a cold load from a warm one', async () => {
    ollama.unload('qwen2.5vl:7b');
    const client = new Ollama({ host: proxy.url });
    await client.generate({ model: 'qwen2.5vl:7b', prompt: 'a' });
    await client.generate({ model: 'qwen2.5vl:7b', prompt: 'a' });
    await eventually(() => expect(sink.records).toHaveLength(2));
    expect(sink.records.map((r) => [r.cold_start, r.load_duration_ms])).toEqual([
      [true, 2500],
      [false, null],
    ]);
  });

  it('measures time to first token and latency over the whole stream', async () => {
    ollama.configure({ firstChunkDelayMs: 60, slowLineDelayMs: 20 });
    const body = JSON.stringify({ model: 'slow', prompt: 'x', options: { num_predict: 10 } });
    const res = await fetch(`${proxy.url}/api/generate`, { method: 'POST', body });
    expect((await res.text()).trim().split('\n')).toHaveLength(11);
    await eventually(() => expect(sink.records).toHaveLength(1));
    const [record] = sink.records;
    // The first line leaves after 60 ms; ten more follow, 20 ms apart.
    expect(record?.ttft_ms).toBeGreaterThanOrEqual(60);
    expect(record?.latency_ms).toBeGreaterThanOrEqual(60 + 10 * 20);
    expectRecord(record, { stream: true, success: true, eval_count: 10 });
  });

  it('counts the content chunks of a /v1 stream without usage and of a native one, and their pace', async () => {
    await expectPacedStreamsRecorded(proxy.url, sink, ollama);
    sink.records.length = 0;
    await expectPacedClientChatRecorded(new Ollama({ host: proxy.url }), sink, ollama);
  });

  it('takes the project from X-Project-Name', async () => {
    await fetch(`${proxy.url}/api/generate`, {
      method: 'POST',
      headers: { 'X-Project-Name': 'alpha' },
      body: '{"model":"llama3.2","stream":false}',
    }).then((r) => r.text());
    await eventually(() => expect(sink.records).toHaveLength(1));
    expect(sink.records[0]?.project).toBe('alpha');
  });

  it('counts requests in flight at arrival', async () => {
    ollama.configure({ firstChunkDelayMs: 100 });
    await Promise.all(
      Array.from({ length: 4 }, () =>
        fetch(`${proxy.url}/api/generate`, { method: 'POST', body: '{"model":"llama3.2"}' }).then((r) => r.text()),
      ),
    );
    await eventually(() => expect(sink.records).toHaveLength(4));
    expect(sink.records.map((r) => r.concurrency).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('failures through a Hono fetch proxy', () => {
  it.each([
    ['nope', 404, 'model_not_found', 'model "nope" not found, try pulling it first'],
    ['busy', 503, 'upstream_busy', 'server busy, please try again.  maximum pending requests exceeded'],
    ['broken', 500, 'upstream_error', 'llama runner process has terminated: exit status 2'],
  ] as const)('records model %s: HTTP %i as %s', async (model, status, errorType, message) => {
    const res = await fetch(`${proxy.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model, messages }) });
    expect(res.status).toBe(status);
    await res.text();
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model,
      status,
      success: false,
      error_type: errorType,
      error_message: message,
      stream: false,
    });
  });

  it('records a request without a model as bad_request', async () => {
    const res = await fetch(`${proxy.url}/api/generate`, { method: 'POST', body: '{"prompt":"x"}' });
    expect(res.status).toBe(400);
    await res.text();
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'unknown',
      error_type: 'bad_request',
      error_message: 'model is required',
    });
  });

  it('records an error line mid-stream as stream_error, and the client still gets every byte', async () => {
    const res = await fetch(`${proxy.url}/api/generate`, { method: 'POST', body: '{"model":"midstream-error"}' });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toHaveLength(3);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      status: 200,
      success: false,
      error_type: 'stream_error',
      error_message: expect.stringContaining('unexpected EOF'),
    });
  });

  it('records a stream Ollama cut off as an error', async () => {
    const res = await fetch(`${proxy.url}/api/generate`, { method: 'POST', body: '{"model":"cutoff"}' });
    await res.text().catch(() => 'cut');
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], { success: false, error_type: 'stream_error' });
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

  it('records an unreachable upstream', async () => {
    const dead = await serveOnPort(proxyApp(await deadUrl(), { sink }));
    try {
      const res = await fetch(`${dead.url}/api/chat`, { method: 'POST', body: '{"model":"llama3.2"}' });
      expect(res.status).toBe(500);
      await res.text();
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectRecord(sink.records[0], { model: 'llama3.2', success: false, error_type: 'upstream_unreachable' });
    } finally {
      await dead.close();
    }
  });
});

describe('a sink that fails', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('disk full');
      },
    ],
    ['rejects', () => Promise.reject(new Error('database down'))],
    ['never settles', () => new Promise<void>(() => undefined)],
  ])('leaves responses untouched when it %s', async (_, write) => {
    const failures: unknown[] = [];
    const app = await serveOnPort(
      proxyApp(ollama.url, { sink: { write }, onError: (e) => failures.push(e), sinkTimeoutMs: 200 }),
    );
    try {
      ollama.configure({ seed: 3 });
      const want = await bytesOf(
        await fetch(`${ollama.url}/api/chat`, {
          method: 'POST',
          body: JSON.stringify({ model: 'llama3.2', messages }),
        }),
      );
      ollama.configure({ seed: 3 });
      const got = await bytesOf(
        await fetch(`${app.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages }) }),
      );
      expect(got.equals(want)).toBe(true);
      await eventually(() => expect(failures).toHaveLength(1));
    } finally {
      await app.close();
    }
  });
});
