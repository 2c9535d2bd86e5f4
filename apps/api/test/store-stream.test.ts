/**
 * MetricStore.stream on SQLite and PostgreSQL (D1: test/workers/store-stream.d1.test.ts):
 * pages through exactly the records `records()` returns, in (ts, id) order, with ties on
 * `ts` across page boundaries, filters applied, and no page larger than asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestMetric } from '@ollama-perf/core';
import { FIXTURE_START, fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-stream-'));
let postgres: TestPostgres;
const stores: Record<string, MetricStore> = {};

// 60 spread records plus 25 that share one timestamp, inserted out of order.
const base = fixtureRecords(60);
const tied: RequestMetric[] = Array.from({ length: 25 }, (_, i) => ({
  ...(base[i] as RequestMetric),
  id: `tie-${String((i * 7) % 25).padStart(2, '0')}`,
  ts: FIXTURE_START + 3_600_000,
}));
const records = [...tied, ...base].reverse();

beforeAll(async () => {
  postgres = await startTestPostgres();
  stores.sqlite = await openStore(`sqlite:${join(dir, 'stream.sqlite')}`);
  stores.postgres = await openStore(postgres.url);
  for (const store of Object.values(stores)) await store.insert(records);
});
afterAll(async () => {
  for (const store of Object.values(stores)) await store.close();
  await postgres?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(store: MetricStore, ...args: Parameters<MetricStore['stream']>): Promise<RequestMetric[][]> {
  const pages: RequestMetric[][] = [];
  for await (const page of store.stream(...args)) pages.push(page);
  return pages;
}

describe.each(['sqlite', 'postgres'])('MetricStore.stream on %s', (backend) => {
  const store = () => stores[backend] as MetricStore;

  it('yields every record once, oldest first, in pages of the batch size', async () => {
    const pages = await collect(store(), {}, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(pages.flat()).toEqual(await store().records());
    expect(pages.flat()).toHaveLength(85);
  });

  it('keeps records that share a timestamp across page boundaries, ordered by id', async () => {
    const flat = (await collect(store(), {}, 3)).flat();
    const ties = flat.filter((r) => r.id.startsWith('tie-')).map((r) => r.id);
    expect(ties).toEqual(tied.map((r) => r.id).sort());
    expect(new Set(flat.map((r) => r.id)).size).toBe(85);
  });

  it('applies the filter', async () => {
    const filter = {
      model: 'qwen2.5vl:7b',
      from: FIXTURE_START + 1_800_000,
      to: FIXTURE_START + 3 * 3_600_000,
      project: '(none)',
    };
    const flat = (await collect(store(), filter, 4)).flat();
    expect(flat.length).toBeGreaterThan(0);
    expect(flat).toEqual(await store().records(filter));
  });

  it('yields nothing when nothing matches, and refuses a batch size below 1', async () => {
    expect(await collect(store(), { model: 'missing:1b' })).toEqual([]);
    await expect(collect(store(), {}, 0)).rejects.toThrow(RangeError);
  });
});
