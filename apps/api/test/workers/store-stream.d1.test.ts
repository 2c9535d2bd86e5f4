/** MetricStore.stream on D1 inside workerd: the same keyset pages as on SQLite and PostgreSQL. */
import { env } from 'cloudflare:test';
import type { RequestMetric } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';

// A model of its own, so the other D1 suites' records stay out of these pages.
const MODEL = 'stream-test:1b';
const records: RequestMetric[] = fixtureRecords(30).map((r, i) => ({
  ...r,
  id: `stream-${r.id}`,
  model: MODEL,
  ts: i < 12 ? 1_795_766_400_000 : r.ts,
}));

describe('MetricStore.stream on D1', () => {
  it('pages through every matching record once, in (ts, id) order', async () => {
    const store = openD1Store(env.DB);
    await store.insert(records);
    const pages: RequestMetric[][] = [];
    for await (const page of store.stream({ model: MODEL }, 7)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.flat()).toEqual(await store.records({ model: MODEL }));
  });
});
