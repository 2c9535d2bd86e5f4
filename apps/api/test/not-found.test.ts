/**
 * A 404 is `model_not_found` only when Ollama says the model is missing — natively
 * `{"error":"model \"x\" not found, …"}`, on /v1 an OpenAI-style error object — and
 * `not_found` when it is any other 404, such as the plain-text `404 page not found` of an
 * Ollama without the route. On both data paths, against the stand-in Ollama.
 */
import { memorySink } from '@ollama-perf/middleware';
import { expectRecord, type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { type BothDataPaths, DATA_PATHS, serveBothDataPaths } from './support/both-data-paths.js';
import { waitUntil } from './support/in-process-gateway.js';

let ollama: StandIn;
let store: MetricStore;
let served: BothDataPaths;
const sink = memorySink();

beforeAll(async () => {
  ollama = await startStandInOllama();
  store = await openStore(':memory:');
  served = await serveBothDataPaths({ store, sink, ollamaUrl: ollama.url });
});
afterAll(async () => {
  for (const way of DATA_PATHS) await served[way].close();
  await store.close();
  await ollama.close();
});
beforeEach(() => {
  sink.records.length = 0;
});

describe.each(DATA_PATHS)('through the %s', (way) => {
  it.each([
    ['/api/chat', 'nope', 'model_not_found', 'model "nope" not found, try pulling it first'],
    ['/v1/chat/completions', 'nope', 'model_not_found', 'model "nope" not found, try pulling it first'],
    // The stand-in, like an Ollama older than the route, has no /v1/responses.
    ['/v1/responses', 'llama3.2', 'not_found', null],
  ] as const)('a 404 from %s for model %s is %s', async (path, model, errorType, message) => {
    const res = await fetch(served[way].url + path, {
      method: 'POST',
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], input: 'hi' }),
    });
    expect(res.status).toBe(404);
    await res.arrayBuffer();
    expect(await waitUntil(() => sink.records.length === 1)).toBe(true);
    expectRecord(sink.records[0], { status: 404, success: false, error_type: errorType, error_message: message });
  });
});
