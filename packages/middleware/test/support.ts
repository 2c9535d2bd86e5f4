/**
 * Test support: the README's Hono proxy in front of the stand-in Ollama, waiting for records,
 * and the records every way in must produce. Ports and the record assertion: @ollama-perf/testkit.
 */
import { type Operation, observedTokensPerSecond, type RequestMetric } from '@ollama-perf/core';
import { answerTimings, expectRecord } from '@ollama-perf/testkit';
import { Hono } from 'hono';
import type { Ollama } from 'ollama';
import { expect } from 'vitest';
import { type OllamaMetricsOptions, ollamaMetrics } from '../src/index.js';

// The README's Hono example, which teaches the gateway's list (HOP_BY_HOP in apps/api/src/proxy/contract.ts).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];

function withoutHopByHop(source: Headers): Headers {
  const headers = new Headers(source);
  for (const name of (source.get('connection') ?? '').split(',')) if (name.trim()) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

/** A minimal `fetch` proxy to `upstream`, as the README shows it, behind `ollamaMetrics`. */
export function proxyApp(upstream: string, options: OllamaMetricsOptions): Hono {
  const app = new Hono();
  app.use(ollamaMetrics(options));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const res = await fetch(new URL(url.pathname + url.search, upstream), {
      method: c.req.method,
      headers: withoutHopByHop(c.req.raw.headers),
      body: c.req.raw.body,
      signal: c.req.raw.signal,
      duplex: 'half',
    } as RequestInit);
    const out = withoutHopByHop(res.headers);
    // fetch has already decoded a compressed body; its encoding and length no longer apply.
    if (out.has('content-encoding')) {
      out.delete('content-encoding');
      out.delete('content-length');
    }
    return new Response(res.body, { status: res.status, headers: out });
  });
  return app;
}

/** Waits until `check` passes (records are written after the response ends). */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** The raw bytes of a response body. */
export async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** The chat every middleware test sends: ASCII, accented letters and an emoji. */
export const CHAT_MESSAGES = [{ role: 'user' as const, content: 'Why is the sky blue? Ünïcödé 🦙' }];
/** The generate prompt of the handler and client-wrapper tests. */
export const HAIKU_PROMPT = 'Write a haiku about llamas 🦙';

/** Every item of an async iterable, in order. */
export async function collect<T>(parts: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** Forgets what the previous test recorded and restores the stand-in's default pacing. */
export function resetBetweenTests(
  sink: { records: unknown[] },
  errors: unknown[],
  ollama: { configure(options: object): void },
): void {
  sink.records.length = 0;
  errors.length = 0;
  ollama.configure({ firstChunkDelayMs: 0, chunkDelayMs: 0, maxChunks: 0, slowLineDelayMs: 25 });
}

/**
 * Streams `midstream-error` through `host` with the ollama client: the client sees two
 * parts, then the error; the one record says stream_error.
 */
export async function expectMidStreamErrorRecorded(host: string, sink: { records: unknown[] }): Promise<void> {
  const { Ollama } = await import('ollama');
  const parts: unknown[] = [];
  const failure = await (async () => {
    for await (const part of await new Ollama({ host }).generate({
      model: 'midstream-error',
      prompt: HAIKU_PROMPT,
      stream: true,
    }))
      parts.push(part);
  })().catch((error: unknown) => error);
  expect(parts).toHaveLength(2);
  expect((failure as Error).message).toContain('unexpected EOF');
  await eventually(() => expect(sink.records).toHaveLength(1));
  expectRecord(sink.records[0], {
    model: 'midstream-error',
    status: 200,
    stream: true,
    success: false,
    error_type: 'stream_error',
    error_message: expect.stringContaining('unexpected EOF'),
  });
}

/**
 * The record of a successful, non-streamed 8-token answer from the stand-in that the official
 * `ollama` client asked for: what the Express and Hono handler tests both expect.
 */
export function expectClientJsonRecord(
  record: RequestMetric | undefined,
  expected: { operation: Operation; endpoint: string },
): void {
  expectRecord(record, {
    model: 'llama3.2',
    operation: expected.operation,
    endpoint: expected.endpoint,
    stream: false,
    status: 200,
    success: true,
    ttft_ms: null,
    eval_count: 8,
    tokens_per_second: 50,
    done_reason: 'stop',
    output_chunks: null,
    decode_ms: null,
  });
}

/**
 * The record of a warm, successful, streamed 8-token answer from the stand-in, with a TTFT
 * inside its latency: what every way in must produce for the same request.
 */
export function expectWarmStreamRecord(
  record: RequestMetric | undefined,
  expected: { operation: Operation; endpoint: string; promptChars: number },
): void {
  const timings = answerTimings(expected.promptChars, 8, 0);
  expectRecord(record, {
    model: 'llama3.2',
    operation: expected.operation,
    endpoint: expected.endpoint,
    project: null,
    stream: true,
    status: 200,
    success: true,
    error_type: null,
    eval_count: 8,
    eval_duration_ms: timings.eval_duration / 1e6,
    prompt_eval_count: timings.prompt_eval_count,
    prompt_eval_duration_ms: timings.prompt_eval_duration / 1e6,
    total_duration_ms: timings.total_duration / 1e6,
    load_duration_ms: null,
    cold_start: false,
    tokens_per_second: 50,
    prompt_tokens_per_second: 1000,
    done_reason: 'stop',
    concurrency: 1,
    output_chunks: 8,
    decode_ms: expect.any(Number),
  });
  expect(record.ttft_ms).not.toBeNull();
}

/** The pace of the stand-in's `slow` streams in {@link expectPacedStreamsRecorded}: ms between lines. */
const PACED_LINE_MS = 40;

/**
 * Streams ten paced tokens of the stand-in's `slow` model through `base` — `/v1/chat/completions`
 * without `stream_options.include_usage` (so no usage at all) and native `/api/chat` — and
 * expects each record to count the ten content chunks and to pace them near what the stand-in
 * did: the data path's own speed figure, the only one of the /v1 stream.
 */
export async function expectPacedStreamsRecorded(
  base: string,
  sink: { records: RequestMetric[] },
  ollama: { configure(options: object): void },
): Promise<void> {
  ollama.configure({ slowLineDelayMs: PACED_LINE_MS });
  const v1 = { model: 'slow', messages: CHAT_MESSAGES, stream: true, max_tokens: 10 };
  await (await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(v1) })).text();
  const native = { model: 'slow', messages: CHAT_MESSAGES, options: { num_predict: 10 } };
  await (await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify(native) })).text();
  await eventually(() => expect(sink.records).toHaveLength(2));
  const [openAi, ollamaChat] = sink.records;
  expectPacedRecord(openAi, { endpoint: '/v1/chat/completions', eval_count: null, tokens_per_second: null });
  expectPacedRecord(ollamaChat, { endpoint: '/api/chat', eval_count: 10, tokens_per_second: 50 });
}

/**
 * Streams ten paced tokens of the stand-in's `slow` model with the `ollama` client `client`
 * (pointing at a way in, or wrapped by `withMetrics`), and expects the record to count and pace them.
 */
export async function expectPacedClientChatRecorded(
  client: Pick<Ollama, 'chat'>,
  sink: { records: RequestMetric[] },
  ollama: { configure(options: object): void },
): Promise<void> {
  ollama.configure({ slowLineDelayMs: PACED_LINE_MS });
  const parts = await collect(
    await client.chat({ model: 'slow', messages: CHAT_MESSAGES, stream: true, options: { num_predict: 10 } }),
  );
  expect(parts).toHaveLength(11);
  await eventually(() => expect(sink.records).toHaveLength(1));
  expectPacedRecord(sink.records[0], { endpoint: '/api/chat', eval_count: 10, tokens_per_second: 50 });
}

/** A record of ten content chunks paced {@link PACED_LINE_MS} apart, its observed rate within 50% of that pace. */
export function expectPacedRecord(record: RequestMetric | undefined, expected: Partial<RequestMetric>): void {
  expectRecord(record, { stream: true, success: true, output_chunks: 10, ...expected });
  const rate = observedTokensPerSecond(record);
  const paced = 1000 / PACED_LINE_MS;
  expect(rate).toBeGreaterThan(paced * 0.5);
  expect(rate).toBeLessThan(paced * 1.5);
}
