/**
 * Test support: the README's Hono proxy in front of the stand-in Ollama, waiting for records,
 * and the records every way in must produce. Ports and the record assertion: @ollama-perf/testkit.
 */
import type { Operation, RequestMetric } from '@ollama-perf/core';
import { answerTimings, expectRecord } from '@ollama-perf/testkit';
import { Hono } from 'hono';
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
  ollama.configure({ firstChunkDelayMs: 0, chunkDelayMs: 0, maxChunks: 0 });
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
  });
  expect(record.ttft_ms).not.toBeNull();
}
