/**
 * The data path's own view of a stream (#16 item 4), end to end on both data paths: the
 * official `openai` client streams a chat completion WITHOUT `stream_options.include_usage`
 * (its default, so Ollama sends no counts and no timings at all) through the gateway to the
 * stand-in's paced `/v1/chat/completions`; the record counts exactly the content deltas the
 * stand-in sent, and `/stats` gives the pace the stand-in kept as `observed_tokens_per_second`.
 * A native `/api/chat` stream shows the observed figure beside Ollama's own tokens/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSummary, RequestMetric, Summary } from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoreSink, storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { type BothDataPaths, DATA_PATHS, serveBothDataPaths } from './support/both-data-paths.js';
import { waitUntil } from './support/in-process-gateway.js';

// The stand-in's `slow` model writes one line, then waits this long: 25 lines a second.
const LINE_MS = 40;
const PACE = 1000 / LINE_MS;
const TOKENS = 10;
const messages = [{ role: 'user' as const, content: 'Count to ten 🦙' }];

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-stream-timing-'));
let ollama: StandIn;

beforeAll(async () => {
  ollama = await startStandInOllama({ slowLineDelayMs: LINE_MS });
});
afterAll(async () => {
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Expects `rate` within 50% of the stand-in's pace: a generous bound, never a timing target. */
function expectNearPace(rate: number | null | undefined): void {
  expect(rate).toBeGreaterThan(PACE * 0.5);
  expect(rate).toBeLessThan(PACE * 1.5);
}

describe.each(DATA_PATHS)('stream timing through the %s', (path) => {
  let store: MetricStore;
  let sink: StoreSink;
  let served: BothDataPaths;
  let url: string;

  beforeAll(async () => {
    store = await openStore(`sqlite:${join(dir, `${path.replace(' ', '-')}.sqlite`)}`);
    sink = storeSink(store);
    served = await serveBothDataPaths({ store, sink, ollamaUrl: ollama.url });
    url = served[path].url;
  });
  afterAll(async () => {
    for (const one of Object.values(served)) await one.close();
    await sink.close();
    await store.close();
  });

  async function storedOf(endpoint: string): Promise<RequestMetric> {
    const find = async () => (await store.records()).find((r) => r.endpoint === endpoint);
    expect(await waitUntil(async () => (await find()) !== undefined)).toBe(true);
    return (await find()) as RequestMetric;
  }

  async function statsOf<T>(route: string): Promise<T> {
    const res = await fetch(`${url}${route}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  it('records the openai client’s /v1 stream without include_usage with its chunks and observed pace', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'ollama', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'slow',
      messages,
      stream: true,
      max_tokens: TOKENS,
    });
    let deltas = 0;
    for await (const chunk of stream) if ((chunk.choices[0]?.delta.content ?? '') !== '') deltas++;
    expect(deltas).toBe(TOKENS);
    const sent = ollama.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
    expect(JSON.parse(sent?.body ?? '{}')).not.toHaveProperty('stream_options');

    const record = await storedOf('/v1/chat/completions');
    expect(record).toMatchObject({
      model: 'slow',
      stream: true,
      success: true,
      eval_count: null,
      tokens_per_second: null,
      output_chunks: deltas,
    });
    expect(record.decode_ms).toBeGreaterThan(0);

    const summary = await statsOf<Summary>('/stats?operation=chat');
    expect(summary.tokens_per_second.count).toBe(0);
    expect(summary.observed_tokens_per_second.count).toBe(1);
    expectNearPace(summary.observed_tokens_per_second.p50);
    expect(summary.itl_ms.p50).toBeCloseTo(1000 / (summary.observed_tokens_per_second.p50 as number), 6);
  });

  it('shows a native stream’s observed pace beside Ollama’s own tokens/s', async () => {
    const parts = [];
    for await (const part of await new Ollama({ host: url }).chat({
      model: 'slow',
      messages,
      stream: true,
      options: { num_predict: TOKENS },
    }))
      parts.push(part);
    expect(parts).toHaveLength(TOKENS + 1);

    const record = await storedOf('/api/chat');
    expect(record).toMatchObject({ output_chunks: TOKENS, eval_count: TOKENS, tokens_per_second: 50 });

    const model = await statsOf<ModelSummary>('/stats/slow');
    expect(model.by_operation.chat?.observed_tokens_per_second.count).toBe(2);
    const native = (await statsOf<Summary>(`/stats?from=${record.ts}`)).by_model.slow;
    expect(native?.tokens_per_second).toMatchObject({ count: 1, p50: 50 });
    expectNearPace(native?.observed_tokens_per_second.p50);
  });
});
