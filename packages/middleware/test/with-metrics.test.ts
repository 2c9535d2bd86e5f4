/**
 * withMetrics() around the official `ollama` client, talking to the stand-in Ollama on a
 * real port: every call must give what the unwrapped client gives (results, parts, errors)
 * and yield exactly one right record.
 */
import { deadUrl, expectRecord, type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memorySink, withMetrics } from '../src/index.js';
import {
  CHAT_MESSAGES,
  collect,
  eventually,
  expectPacedClientChatRecorded,
  expectWarmStreamRecord,
  HAIKU_PROMPT,
  resetBetweenTests,
} from './support.js';

let ollama: StandIn;
let plain: Ollama;
let wrapped: Ollama;
const sink = memorySink();
const errors: unknown[] = [];

beforeAll(async () => {
  ollama = await startStandInOllama();
  plain = new Ollama({ host: ollama.url });
  wrapped = withMetrics(new Ollama({ host: ollama.url }), { sink, onError: (e) => errors.push(e) });
  // Load the models once: every later answer is warm and repeatable.
  await plain.generate({ model: 'llama3.2', prompt: 'warm up' });
  await plain.embed({ model: 'all-minilm', input: 'warm up' });
});
afterAll(async () => {
  await ollama.close();
});
beforeEach(() => resetBetweenTests(sink, errors, ollama));

const messages = CHAT_MESSAGES;
const prompt = HAIKU_PROMPT;

/** The rejection of `promise`, or a failure when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('withMetrics on the ollama client', () => {
  it.each([
    ['chat', '/api/chat', { model: 'llama3.2', messages }, JSON.stringify(messages).length],
    ['generate', '/api/generate', { model: 'llama3.2', prompt }, JSON.stringify(prompt).length],
  ] as const)(
    'streams %s part by part as the unwrapped client does, and records it',
    async (operation, endpoint, request, promptChars) => {
      const call = (client: Ollama) =>
        (client[operation] as (body: object) => Promise<AsyncIterable<unknown>>).call(client, {
          ...request,
          stream: true,
        });
      const want = await collect(await call(plain));
      const got = await collect(await call(wrapped));
      expect(got).toEqual(want);
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectWarmStreamRecord(sink.records[0], { operation, endpoint, promptChars });
      expect(errors).toEqual([]);
    },
  );

  it.each([
    [
      'chat',
      '/api/chat',
      'chat',
      { model: 'llama3.2', messages },
      { eval_count: 8, tokens_per_second: 50, done_reason: 'stop', cold_start: false },
    ],
    [
      'generate',
      '/api/generate',
      'generate',
      { model: 'llama3.2', prompt },
      { eval_count: 8, tokens_per_second: 50, done_reason: 'stop', cold_start: false },
    ],
    [
      'embed',
      '/api/embed',
      'embed',
      { model: 'all-minilm', input: ['one', 'two'] },
      { eval_count: null, tokens_per_second: null, cold_start: false },
    ],
    [
      'embeddings',
      '/api/embeddings',
      'embed',
      { model: 'all-minilm', prompt: 'one' },
      { total_duration_ms: null, eval_count: null, cold_start: null },
    ],
  ] as const)('returns %s unchanged and records it', async (method, endpoint, operation, request, fields) => {
    const call = (client: Ollama) => (client[method] as (body: object) => Promise<unknown>).call(client, request);
    const want = await call(plain);
    const got = await call(wrapped);
    expect(got).toEqual(want);
    await eventually(() => expect(sink.records).toHaveLength(1));
    const [record] = sink.records;
    // /api/embeddings names no model in its answer: it comes from the request.
    expectRecord(record, {
      model: request.model,
      operation,
      endpoint,
      stream: false,
      status: 200,
      success: true,
      error_type: null,
      ttft_ms: null,
      ...fields,
    });
    expect(errors).toEqual([]);
  });

  it('counts the content chunks of a stream and their pace, as the client yields them', async () => {
    await expectPacedClientChatRecorded(wrapped, sink, ollama);
  });

  it('records one record per call, concurrent calls included, with the in-flight count', async () => {
    ollama.configure({ firstChunkDelayMs: 50 });
    await Promise.all(
      Array.from({ length: 3 }, async () => collect(await wrapped.chat({ model: 'llama3.2', messages, stream: true }))),
    );
    await eventually(() => expect(sink.records).toHaveLength(3));
    expect(new Set(sink.records.map((r) => r.id)).size).toBe(3);
    expect(sink.records.map((r) => r.concurrency).sort()).toEqual([1, 2, 3]);
  });

  it('records the project it was given and a cold load after a model switch', async () => {
    const records = memorySink();
    const client = withMetrics(new Ollama({ host: ollama.url }), { sink: records, project: 'gamma' });
    ollama.unload('qwen2.5vl:7b');
    await client.generate({ model: 'llama3.2', prompt });
    await client.generate({ model: 'qwen2.5vl:7b', prompt });
    await eventually(() => expect(records.records).toHaveLength(2));
    expect(records.records.map((r) => [r.project, r.model, r.cold_start, r.switched_from])).toEqual([
      ['gamma', 'llama3.2', false, null],
      ['gamma', 'qwen2.5vl:7b', true, 'llama3.2'],
    ]);
  });

  it('leaves other methods untouched and unrecorded', async () => {
    expect(await wrapped.list()).toEqual(await plain.list());
    expect(await wrapped.ps()).toEqual(await plain.ps());
    expect(wrapped).toBeInstanceOf(Ollama);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.records).toEqual([]);
  });
});

describe('withMetrics when a call fails', () => {
  it('records abort() on a streamed iterator as client_aborted, and Ollama stops', async () => {
    const parts = await wrapped.generate({ model: 'slow', prompt, stream: true });
    let seen = 0;
    const failure = await rejectionOf(
      (async () => {
        for await (const _ of parts) if (++seen === 2) parts.abort();
      })(),
    );
    expect(failure.name).toBe('AbortError');
    expect(seen).toBe(2);
    const upstream = ollama.requests.at(-1);
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'slow',
      operation: 'generate',
      stream: true,
      status: 200,
      success: false,
      error_type: 'client_aborted',
    });
    expect(sink.records[0]?.ttft_ms).not.toBeNull();
  });

  it('records a break out of for-await as client_aborted, and Ollama stops', async () => {
    let seen = 0;
    for await (const _ of await wrapped.chat({ model: 'slow', messages, stream: true })) if (++seen === 3) break;
    const upstream = ollama.requests.at(-1);
    expect(upstream?.model).toBe('slow');
    await upstream?.ended;
    expect(upstream?.closedEarly).toBe(true);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'slow',
      operation: 'chat',
      stream: true,
      success: false,
      error_type: 'client_aborted',
    });
  });

  it('records an error line mid-stream as stream_error and rethrows the error unchanged', async () => {
    const read = async (client: Ollama) => {
      const parts: unknown[] = [];
      const error = await rejectionOf(
        (async () => {
          for await (const part of await client.chat({ model: 'midstream-error', messages, stream: true }))
            parts.push(part);
        })(),
      );
      return { parts, error };
    };
    const want = await read(plain);
    const got = await read(wrapped);
    expect(got.parts).toEqual(want.parts);
    expect(got.parts).toHaveLength(2);
    expect(got.error.constructor).toBe(want.error.constructor);
    expect(got.error.message).toBe(want.error.message);
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], {
      model: 'midstream-error',
      stream: true,
      status: 200,
      success: false,
      error_type: 'stream_error',
      error_message: want.error.message,
    });
  });

  it.each([false, true])(
    'records a missing model (stream %s) as model_not_found and rethrows the ResponseError',
    async (stream) => {
      const want = await rejectionOf(plain.chat({ model: 'nope', messages, stream: stream as false }));
      const got = await rejectionOf(wrapped.chat({ model: 'nope', messages, stream: stream as false }));
      expect(got).toMatchObject({
        name: 'ResponseError',
        status_code: 404,
        error: 'model "nope" not found, try pulling it first',
      });
      expect(got.constructor).toBe(want.constructor);
      await eventually(() => expect(sink.records).toHaveLength(1));
      expectRecord(sink.records[0], {
        model: 'nope',
        operation: 'chat',
        status: 404,
        stream: false,
        success: false,
        error_type: 'model_not_found',
        error_message: 'model "nope" not found, try pulling it first',
      });
    },
  );

  it.each([
    ['busy', 503, 'upstream_busy'],
    ['broken', 500, 'upstream_error'],
  ] as const)('records model %s (HTTP %i) as %s', async (model, status, errorType) => {
    const got = await rejectionOf(wrapped.generate({ model, prompt }));
    expect(got).toMatchObject({ name: 'ResponseError', status_code: status });
    await eventually(() => expect(sink.records).toHaveLength(1));
    expectRecord(sink.records[0], { model, status, success: false, error_type: errorType });
  });

  it('records an unreachable host as upstream_unreachable and rethrows the error', async () => {
    const host = await deadUrl();
    const records = memorySink();
    const want = await rejectionOf(new Ollama({ host }).embed({ model: 'all-minilm', input: 'x' }));
    const got = await rejectionOf(
      withMetrics(new Ollama({ host }), { sink: records }).embed({ model: 'all-minilm', input: 'x' }),
    );
    expect(got.constructor).toBe(want.constructor);
    expect(got.message).toBe(want.message);
    expect((got.cause as { code?: string }).code).toBe('ECONNREFUSED');
    await eventually(() => expect(records.records).toHaveLength(1));
    expectRecord(records.records[0], {
      model: 'all-minilm',
      operation: 'embed',
      success: false,
      error_type: 'upstream_unreachable',
    });
  });
});
