/**
 * Inserts keep their hours' rollups current (SQLite and PostgreSQL): right after an import,
 * with no build at all, `/stats` is served from rollups — not from the records — and agrees
 * with the exact summary within 1%; so does the open hour under a stream of small batches,
 * also with batches in flight at once. What cannot be merged exactly (a batch resending
 * stored ids, a stored row of another format, records loaded before any was marked) is left
 * to the records and the builder, and the answers stay right.
 */
import { HOUR_MS, type RequestMetric, summarize } from '@ollama-perf/core';
import { summaryDifferences } from '@ollama-perf/core/rollup';
import { FIXTURE_START, fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import type { MetricStore } from '../src/storage/store.js';
import { TEST_DATABASES, testStores } from './support/test-databases.js';

const TOLERANCE = 0.01;
const openTestStores = testStores();

/** A fresh store of `target` whose rollups serve every window they can (the tests tell which served). */
async function openTestStore(target: (typeof TEST_DATABASES)[number]): Promise<{ store: MetricStore }> {
  const { store } = await openTestStores(target);
  store.exactUpTo = 0;
  return { store };
}

async function dirtyPeriods(store: MetricStore, grain: 'hour' | 'day' | 'month'): Promise<string[]> {
  const rows = await store.db
    .selectFrom('rollup_periods')
    .select('id')
    .where('grain', '=', grain)
    .where((eb) => eb('built_version', '<>', eb.ref('version')))
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** `store.summary(filter)` against the exact summary: differences beyond 1%, and how far its percentiles are from exact. */
async function compared(store: MetricStore, records: RequestMetric[], filter: Parameters<typeof summarize>[1] = {}) {
  const { differences, maxPercentileError } = summaryDifferences(
    await store.summary(filter),
    summarize(records, filter),
    TOLERANCE,
  );
  return { differences, fromRollups: maxPercentileError > 0 };
}

for (const target of TEST_DATABASES) {
  describe(`inserts write through to the hours' rollups on ${target.label}`, () => {
    it('serves an import from rollups at once, with no build: every hour clean, answers within 1%', async () => {
      const { store } = await openTestStore(target);
      // Time-ordered, as imports and producers send them: each batch fills an hour or two.
      const records = fixtureRecords(7200, 24);
      for (let i = 0; i < records.length; i += 600) await store.insert(records.slice(i, i + 600));

      expect(await dirtyPeriods(store, 'hour')).toEqual([]);
      // Served from rollups indeed: an exact computation from records would differ by nothing at all.
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
      const model = 'hf.co/org/repo:Q4_K_M';
      expect(await compared(store, records, { model })).toEqual({ differences: [], fromRollups: true });
      const json = JSON.parse((await store.modelSummaryJson(model)) as string) as { hourly: unknown[] };
      expect(json.hourly).toHaveLength(24);
    });

    it('leaves the older hours a batch holds few records of to the builder, which reads each once', async () => {
      const { store } = await openTestStore(target);
      const records = fixtureRecords(720, 72);
      await store.insert(records);
      // The batch's newest two hours are merged (a live gateway's batches land there), not the 70 before.
      const dirty = await dirtyPeriods(store, 'hour');
      expect(dirty).toHaveLength(70);
      expect(dirty).not.toContain(`hour:${FIXTURE_START + 71 * HOUR_MS}`);
      expect((await compared(store, records)).differences).toEqual([]);
      expect(await store.rollups.build(FIXTURE_START + 73 * HOUR_MS)).toMatchObject({ hours: 70 });
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
    });

    it('keeps the open hour clean under a stream of small batches, also with batches in flight at once', async () => {
      const { store } = await openTestStore(target);
      const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      const records = fixtureRecords(960, 1).map((r, i) => ({ ...r, ts: hour + (i % 3_000_000) }));
      for (let i = 0; i < 480; i += 20) {
        await store.insert(records.slice(i, i + 20));
        expect(await dirtyPeriods(store, 'hour')).toEqual([]);
      }
      // Eight at once: each waits for the others' period locks, then merges into what they wrote.
      const rest = records.slice(480);
      await Promise.all(Array.from({ length: 8 }, (_, b) => store.insert(rest.slice(b * 60, b * 60 + 60))));
      expect(await dirtyPeriods(store, 'hour')).toEqual([]);
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
      expect((await store.summary()).requests).toBe(960);
    });

    it('leaves an hour to the builder when a batch resends stored ids, and counts each record once', async () => {
      const { store } = await openTestStore(target);
      const records = fixtureRecords(200, 2);
      await store.insert(records.slice(0, 100));
      const result = await store.insert(records.slice(50));
      expect(result).toEqual({ received: 150, inserted: 100, duplicates: 50 });
      expect((await dirtyPeriods(store, 'hour')).length).toBeGreaterThan(0);
      expect((await compared(store, records)).differences).toEqual([]);
      expect((await store.summary()).requests).toBe(200);
      await store.rollups.build(FIXTURE_START + 3 * HOUR_MS);
      expect(await dirtyPeriods(store, 'hour')).toEqual([]);
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
    });

    it('does not merge into a stored row of another format version: the hour waits for the builder', async () => {
      const { store } = await openTestStore(target);
      const records = fixtureRecords(120, 1);
      await store.insert(records.slice(0, 60));
      await store.db
        .updateTable('metric_rollups')
        .set({ data: Uint8Array.from([250, 1, 2, 3]) })
        .where('grain', '=', 'hour_all')
        .execute();
      await store.insert(records.slice(60));
      expect(await dirtyPeriods(store, 'hour')).toEqual([`hour:${FIXTURE_START}`]);
      expect((await compared(store, records)).differences).toEqual([]);
      await store.rollups.build(FIXTURE_START + 2 * HOUR_MS);
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
    });

    it('answers a window of few records exactly, from the records, however current its rollups', async () => {
      const { store } = await openTestStore(target);
      const records = fixtureRecords(300, 3);
      await store.insert(records);
      store.exactUpTo = 300;
      expect(await store.summary()).toEqual(summarize(records));
      expect(await compared(store, records, { operation: 'generate' })).toEqual({
        differences: [],
        fromRollups: false,
      });
      store.exactUpTo = 299;
      expect(await compared(store, records)).toEqual({ differences: [], fromRollups: true });
    });

    it('does not take an hour for empty when records were loaded into it before any was marked', async () => {
      const { store } = await openTestStore(target);
      const records = fixtureRecords(100, 1);
      // A bulk load that bypassed the store: rows, and no rollup_periods row for their hour.
      await store.db.transaction().execute(async (trx) => {
        for (const query of records.slice(0, 99).map((r) => store.backend.insertRecords([r])))
          await trx.executeQuery(query);
      });
      await store.insert(records.slice(99));
      expect(await dirtyPeriods(store, 'hour')).toEqual([`hour:${FIXTURE_START}`]);
      expect((await store.summary()).requests).toBe(100);
    });
  });
}
