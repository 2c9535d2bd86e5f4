/**
 * Reserved routes are matched on the path with runs of slashes collapsed, on both data paths
 * (the Node listener and the Hono app, as Workers serve it): `//stats`, `///metrics`, `//ingest`
 * and `//healthz` are the gateway's own, guarded routes, never proxied. And whatever the path,
 * the gateway's API token never reaches Ollama: `/STATS` is an Ollama path (its routes are
 * case-sensitive) and goes there without the gateway's Authorization. The stand-in Ollama
 * records the headers it received.
 */
import { memorySink } from '@ollama-perf/middleware';
import { rawRequest, type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { type BothDataPaths, DATA_PATHS, serveBothDataPaths } from './support/both-data-paths.js';

const TOKEN = 'gateway-secret';
const AUTHORIZED = { authorization: `Bearer ${TOKEN}` };

let ollama: StandIn;
let store: MetricStore;
let served: BothDataPaths;

beforeAll(async () => {
  ollama = await startStandInOllama();
  store = await openStore(':memory:');
  served = await serveBothDataPaths({ store, sink: memorySink(), ollamaUrl: ollama.url, apiToken: TOKEN });
});
afterAll(async () => {
  for (const way of DATA_PATHS) await served[way].close();
  await store.close();
  await ollama.close();
});

/** What the stand-in received while `send` ran. */
async function upstreamSaw(send: () => Promise<unknown>): Promise<StandIn['requests']> {
  const before = ollama.requests.length;
  await send();
  return ollama.requests.slice(before);
}

describe.each(DATA_PATHS)('through the %s', (way) => {
  const url = () => served[way].url;

  it.each(['//stats', '///metrics', '//ingest', '//healthz', '//stats//llama3.2', '/stats//'])(
    '%s is a guarded reserved route, never proxied',
    async (target) => {
      const seen = await upstreamSaw(async () => {
        const res = await rawRequest(url() + target);
        expect(res.status).toBe(401);
        expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'unauthorized' } });
      });
      expect(seen).toEqual([]);
    },
  );

  it('answers //stats with the token as /stats', async () => {
    const seen = await upstreamSaw(async () => {
      const res = await rawRequest(`${url()}//stats`, { headers: AUTHORIZED });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString())).toHaveProperty('requests');
    });
    expect(seen).toEqual([]);
  });

  it.each([
    ['GET', '/STATS'],
    ['GET', '/Metrics'],
    ['GET', '//api/tags'],
    ['GET', '/api/tags'],
    ['POST', '/api/chat'],
  ])('%s %s goes to Ollama without the gateway token', async (method, target) => {
    const seen = await upstreamSaw(() =>
      rawRequest(url() + target, {
        method,
        headers: AUTHORIZED,
        ...(method === 'POST' ? { body: '{"model":"llama3.2","stream":false}' } : {}),
      }),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('forwards an Authorization that is not the gateway token (an auth proxy in front of Ollama)', async () => {
    const seen = await upstreamSaw(() =>
      rawRequest(`${url()}/api/tags`, { headers: { authorization: 'Bearer for-ollama' } }),
    );
    expect(seen.map((r) => r.headers.authorization)).toEqual(['Bearer for-ollama']);
  });
});
