/** The typed stats client against a real gateway app on a real port (SQLite). */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createStatsClient, StatsApiError } from '@ollama-perf/client';
import { summarize } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

const records = fixtureRecords(60);
let store: MetricStore;
let url: string;
let close: () => void;

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.insert(records);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434', apiToken: 'tok' });
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`;
      resolve();
    });
    close = () => server.close();
  });
});
afterAll(async () => {
  close();
  await store.close();
});

describe('createStatsClient', () => {
  it('returns the validated summary, with filters', async () => {
    const client = createStatsClient({ url, token: 'tok' });
    expect(await client.summary()).toEqual(summarize(records));
    expect(await client.summary({ operation: 'chat', project: 'alpha' })).toEqual(
      summarize(records, { operation: 'chat', project: 'alpha' }),
    );
  });

  it('returns one model (names with ":" and "/"), or null when unknown', async () => {
    const client = createStatsClient({ url: `${url}/`, token: 'tok' });
    expect((await client.model('hf.co/org/repo:Q4_K_M'))?.requests).toBe(
      records.filter((r) => r.model === 'hf.co/org/repo:Q4_K_M').length,
    );
    expect(await client.model('missing:1b')).toBeNull();
  });

  it('compares two windows per model, with the filter', async () => {
    const client = createStatsClient({ url, token: 'tok' });
    const [first, last] = [records[0]?.ts as number, (records[records.length - 1]?.ts as number) + 1];
    const middle = Math.floor((first + last) / 2);
    const comparison = await client.compare({
      from: middle,
      to: last,
      baseline_from: first,
      baseline_to: middle,
      model: 'llama3.2',
    });
    expect(Object.keys(comparison.models)).toEqual(['llama3.2']);
    expect(comparison.baseline_to).toBe(new Date(middle).toISOString());
    const inWindow = records.filter((r) => r.model === 'llama3.2' && r.ts >= middle && r.ts < last).length;
    expect(comparison.models['llama3.2']?.requests.current).toBe(inWindow);
  });

  it('throws a StatsApiError with the code on 401', async () => {
    const error = await createStatsClient({ url, token: 'nope' })
      .summary()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatsApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('refuses an answer that is not a Summary', async () => {
    const fake = (async () => new Response('{"requests":"many"}', { status: 200 })) as typeof fetch;
    await expect(createStatsClient({ url, fetch: fake }).summary()).rejects.toThrow(/unexpected answer/);
  });
});
