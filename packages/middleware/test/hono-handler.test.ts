/**
 * ollamaMetrics() on a Hono app whose routes call the official `ollama` client and send
 * the result themselves (`c.json()`, or NDJSON through Hono's `stream()` helper), served
 * on a real port. A client talking to it must get what Ollama itself answers, and every
 * inference request must yield exactly one right record.
 */
import {
  deadUrl,
  expectRecord,
  type ServedApp,
  type StandIn,
  serveOnPort,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemorySink, memorySink, ollamaMetrics } from '../src/index.js';
import {
  CHAT_MESSAGES,
  collect,
  eventually,
  expectClientJsonRecord,
  expectMidStreamErrorRecorded,
  expectPacedClientChatRecorded,
  expectWarmStreamRecord,
  HAIKU_PROMPT,
  resetBetweenTests,
} from './support.js';

let ollama: StandIn;
let app: ServedApp;
const sink = memorySink();
const errors: unknown[] = [];

/** The `ollama` client's ResponseError (not exported by the package): an Error with `status_code`. */
function isResponseError(error: unknown): error is Error & { error: string; status_code: number } {
  return error instanceof Error && typeof (error as { status_code?: unknown }).status_code === 'number';
}

/** A Hono app as a user would write one: routes that call Ollama through the `ollama` client. */
function handlerApp(upstream: string, metrics: { sink: MemorySink; onError?: (e: unknown) => void }): Hono {
  const client = new Ollama({ host: upstream });
  const app = new Hono();
  app.use(ollamaMetrics(metrics));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  for (const operation of ['chat', 'generate'] as const) {
    app.post(`/api/${operation}`, async (c) => {
      const request = await c.req.json<Record<string, unknown> & { stream?: boolean }>();
      const call = (body: object) => (client[operation] as (body: object) => Promise<unknown>).call(client, body);
      try {
        if (request.stream !== true) return c.json(await call({ ...request, stream: false }));
        const parts = (await call({ ...request, stream: true })) as AsyncIterable<unknown> & { abort(): void };
        c.header('Content-Type', 'application/x-ndjson');
        return stream(
          c,
          async (out) => {
            out.onAbort(() => parts.abort());
            for await (const part of parts) await out.write(`${JSON.stringify(part)}\n`);
          },
          // Ollama's own way to report a failure after the 200: an error line.
          async (error, out) => {
            await out.write(`${JSON.stringify({ error: error.message })}\n`);
          },
        );
      } catch (error) {
        if (isResponseError(error)) return c.json({ error: error.error }, error.status_code as ContentfulStatusCode);
        throw error;
      }
    });
  }
  return app;
}

beforeAll(async () => {
  ollama = await startStandInOllama();
  app = await serveOnPort(handlerApp(ollama.url, { sink, onError: (e) => errors.push(e) }));
  // Load the models once: every later answer is warm and byte-for-byte repeatable.
  await new Ollama({ host: ollama.url }).generate({ model: 'llama3.2', prompt: 'warm up' });
});
afterAll(async () => {
  await app.close();
  await ollama.close();
});
beforeEach(() => resetBetweenTests(sink, errors, ollama));

const messages = CHAT_MESSAGES;
const prompt = HAIKU_PROMPT;

const cases = [
  {
    operation: 'chat',
    endpoint: '/api/chat',
    request: { model: 'llama3.2', messages },
    promptChars: JSON.stringify(messages).length,
  },
  {
    operation: 'generate',
    endpoint: '/api/generate',
    request: { model: 'llama3.2', prompt },
    promptChars: JSON.stringify(prompt).length,
  },
] as const;

describe('a Hono handler calling the ollama client', () => {
  const direct = () => new Ollama({ host: ollama.url });
  const viaApp = () => new Ollama({ host: app.url });

  it.each(cases)(
    'answers a streamed $operation as Ollama does and records it',
    async ({ operation, endpoint, request, promptChars }) => {
      const call = (client: Ollama) =>
        (client[operation] as (body: object) => Promise<AsyncIterable<unknown>>).call(client, {
          ...request,
          stream: true,
        });
      const want = await collect(await call(direct()));
      const got = await collect(await call(viaApp()));
      expect(got).toEqual(want);
      expect(got).toHaveLength(9); // 8 tokens and the final line
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectWarmStreamRecord(sink.records[0], { operation, endpoint, promptChars });
      expect(errors).toEqual([]);
    },
  );

  it('counts the content chunks of a stream and their pace', async () => {
    await expectPacedClientChatRecorded(viaApp(), sink, ollama);
  });

  it.each(cases)(
    'answers a non-streamed $operation as Ollama does and records it',
    async ({ operation, endpoint, request }) => {
      const call = (client: Ollama) =>
        (client[operation] as (body: object) => Promise<unknown>).call(client, { ...request, stream: false });
      const want = await call(direct());
      const got = await call(viaApp());
      expect(got).toEqual(want);
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectClientJsonRecord(sink.records[0], { operation, endpoint });
      expect(errors).toEqual([]);
    },
  );

  it('records exactly one record per request, several in a row and at once', async () => {
    const client = viaApp();
    await client.chat({ model: 'llama3.2', messages });
    await collect(await client.generate({ model: 'llama3.2', prompt, stream: true }));
    await Promise.all([
      client.chat({ model: 'llama3.2', messages }),
      collect(await client.chat({ model: 'llama3.2', messages, stream: true })),
    ]);
    await eventually(() => expect(sink.records).toHaveLength(4));
    expect(new Set(sink.records.map((r) => r.id)).size).toBe(4);
    expect(sink.records.every((r) => r.success && r.eval_count === 8)).toBe(true);
  });

  it('records a cold load after a model switch', async () => {
    ollama.unload('qwen2.5vl:7b');
    await viaApp().generate({ model: 'llama3.2', prompt });
    await viaApp().chat({ model: 'qwen2.5vl:7b', messages });
    await viaApp().chat({ model: 'qwen2.5vl:7b', messages });
    await eventually(() => expect(sink.records).toHaveLength(3));
    expect(sink.records.map((r) => [r.model, r.cold_start, r.load_duration_ms, r.switched_from])).toEqual([
      ['llama3.2', false, null, null],
      ['qwen2.5vl:7b', true, 2500, 'llama3.2'],
      ['qwen2.5vl:7b', false, null, null],
    ]);
  });

  it('takes the project from X-Project-Name', async () => {
    await new Ollama({ host: app.url, headers: { 'X-Project-Name': 'beta' } }).generate({ model: 'llama3.2', prompt });
    await eventually(() => expect(sink.records).toHaveLength(1));
    expect(sink.records[0]?.project).toBe('beta');
  });
});

describe('failures in a Hono handler calling the ollama client', () => {
  it.each([
    ['nope', 404, 'model_not_found', 'model "nope" not found, try pulling it first'],
    ['busy', 503, 'upstream_busy', 'server busy, please try again.  maximum pending requests exceeded'],
    ['broken', 500, 'upstream_error', 'llama runner process has terminated: exit status 2'],
  ] as const)(
    'passes model %s (HTTP %i) on to the client and records %s',
    async (model, status, errorType, message) => {
      for (const streamed of [false, true]) {
        sink.records.length = 0;
        const outcome = (client: Ollama) =>
          client.chat({ model, messages, stream: streamed as false }).then(
            () => null,
            (error: unknown) => error,
          );
        const want = await outcome(new Ollama({ host: ollama.url }));
        const got = await outcome(new Ollama({ host: app.url }));
        expect(isResponseError(got)).toBe(true);
        expect(got).toMatchObject({ name: 'ResponseError', error: message, status_code: status });
        expect(got).toMatchObject({
          error: (want as { error: string }).error,
          status_code: (want as { status_code: number }).status_code,
        });
        await eventually(() => expect(sink.records).toHaveLength(1));
        expectRecord(sink.records[0], {
          model,
          operation: 'chat',
          endpoint: '/api/chat',
          status,
          success: false,
          error_type: errorType,
          error_message: message,
          stream: false,
          ttft_ms: null,
          eval_count: null,
        });
      }
    },
  );

  it('records an error Ollama sent mid-stream (relayed as an error line) as stream_error', async () => {
    await expectMidStreamErrorRecorded(app.url, sink);
  });

  it('records a client that goes away mid-stream as client_aborted, and the handler stops Ollama', async () => {
    const parts = await new Ollama({ host: app.url }).generate({ model: 'slow', prompt, stream: true });
    let seen = 0;
    const failure = await (async () => {
      for await (const _ of parts) if (++seen === 2) parts.abort();
    })().catch((error: unknown) => error);
    expect((failure as Error).name).toBe('AbortError');
    const upstream = ollama.requests.at(-1);
    expect(upstream?.model).toBe('slow');
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

  it('records a handler whose ollama client cannot reach Ollama as upstream_unreachable', async () => {
    const records = memorySink();
    const broken = await serveOnPort(handlerApp(await deadUrl(), { sink: records }));
    try {
      const res = await fetch(`${broken.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.2', messages }),
      });
      expect(res.status).toBe(500);
      await res.text();
      await eventually(() => expect(records.records).toHaveLength(1));
      expectRecord(records.records[0], {
        model: 'llama3.2',
        status: 500,
        success: false,
        error_type: 'upstream_unreachable',
      });
    } finally {
      await broken.close();
    }
  });

  it('leaves other routes unrecorded', async () => {
    const res = await fetch(`${app.url}/api/tags`);
    expect(res.status).toBe(404);
    await res.text();
    await new Ollama({ host: app.url }).generate({ model: 'llama3.2', prompt });
    await eventually(() => expect(sink.records).toHaveLength(1));
    expect(sink.records[0]?.endpoint).toBe('/api/generate');
  });
});
