/**
 * The Hono middleware inside workerd: a streamed NDJSON answer passes unchanged, and the
 * record is written through `executionCtx.waitUntil` — after the response, not before; a
 * gzip answer passes still compressed and is measured from a DecompressionStream copy.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { observedTokensPerSecond } from '@ollama-perf/core';
import { expectRecord } from '@ollama-perf/testkit/records';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { answerTimings, nativeLines, openAiStreamEvents, tokensOf } from '../../../testkit/src/ollama-wire.ts';
import { ollamaMetrics } from '../../src/index.ts';

const LINES = nativeLines('llama3.2', true, tokensOf(5), answerTimings(40, 5, 900_000_000), true).map((l) => `${l}\n`);

function appWith(sink: Parameters<typeof ollamaMetrics>[0]['sink']) {
  const app = new Hono();
  app.use(ollamaMetrics({ sink, coldStartMs: 500 }));
  app.post('/api/chat', () => {
    const bytes = new TextEncoder().encode(LINES.join(''));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Cut inside the llama emoji and mid-line.
        for (let i = 0; i < bytes.length; i += 37) controller.enqueue(bytes.subarray(i, i + 37));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
  });
  return app;
}

async function gzipped(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('ollamaMetrics in workerd', () => {
  it('passes a gzip stream through compressed and records its figures', async () => {
    const gz = await gzipped(LINES.join(''));
    const records: unknown[] = [];
    const app = new Hono();
    app.use(ollamaMetrics({ sink: { write: async (batch) => void records.push(...batch) } }));
    app.post('/api/chat', () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < gz.length; i += 29) controller.enqueue(gz.slice(i, i + 29));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' } });
    });
    const ctx = createExecutionContext();
    const res = await app.request('/api/chat', { method: 'POST', body: '{"model":"llama3.2"}' }, {}, ctx);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(gz);
    await waitOnExecutionContext(ctx);
    expect(records).toHaveLength(1);
    expectRecord(records[0], { model: 'llama3.2', success: true, eval_count: 5, tokens_per_second: 50 });
  });

  it('passes the stream through unchanged and records via waitUntil', async () => {
    const records: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowSink = {
      async write(batch: unknown[]) {
        await gate;
        records.push(...batch);
      },
    };
    const ctx = createExecutionContext();
    const res = await appWith(slowSink).request('/api/chat', { method: 'POST', body: '{"model":"llama3.2"}' }, {}, ctx);
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe(LINES.join(''));
    // The response is complete while the sink is still waiting: nothing was delayed.
    expect(records).toHaveLength(0);
    release();
    await waitOnExecutionContext(ctx);
    expect(records).toHaveLength(1);
    expectRecord(records[0], {
      model: 'llama3.2',
      operation: 'chat',
      stream: true,
      success: true,
      eval_count: 5,
      eval_duration_ms: 100,
      load_duration_ms: 900,
      cold_start: true,
      tokens_per_second: 50,
    });
  });

  it('counts the content chunks of a /v1 stream without usage, and paces them by the clock it has', async () => {
    // No include_usage: no token counts at all, so the data path's pace is the only speed figure.
    const events = openAiStreamEvents('llama3.2', true, tokensOf(6), answerTimings(40, 6, 0), false);
    const records: unknown[] = [];
    const app = new Hono();
    app.use(ollamaMetrics({ sink: { write: async (batch) => void records.push(...batch) } }));
    app.post('/v1/chat/completions', () => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const event of events) {
            controller.enqueue(encoder.encode(event));
            await new Promise((resolve) => setTimeout(resolve, 40));
          }
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const ctx = createExecutionContext();
    const res = await app.request('/v1/chat/completions', { method: 'POST', body: '{"stream":true}' }, {}, ctx);
    expect(await res.text()).toBe(events.join(''));
    await waitOnExecutionContext(ctx);
    expectRecord(records[0], { stream: true, success: true, eval_count: null, output_chunks: 6 });
    const rate = observedTokensPerSecond(records[0]);
    expect(rate).toBeGreaterThan(25 * 0.5);
    expect(rate).toBeLessThan(25 * 1.5);
  });

  it('keeps the response whole when the sink throws', async () => {
    const errors: unknown[] = [];
    const app = new Hono();
    app.use(
      ollamaMetrics({
        sink: {
          write: () => {
            throw new Error('disk full');
          },
        },
        onError: (e) => errors.push(e),
      }),
    );
    app.post('/api/generate', (c) => c.json({ model: 'x', response: 'ok', done: true }));
    const ctx = createExecutionContext();
    const res = await app.request('/api/generate', { method: 'POST', body: '{}' }, {}, ctx);
    expect(await res.json()).toEqual({ model: 'x', response: 'ok', done: true });
    await waitOnExecutionContext(ctx);
    expect(errors).toHaveLength(1);
  });
});
