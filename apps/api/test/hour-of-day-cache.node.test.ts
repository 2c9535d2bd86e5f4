/**
 * The store's cache of `by_hour_of_day` (SQLite and PostgreSQL): a store that has merged a
 * window's closed hours before answers, to the digit, what a store opening the same database
 * afresh (nothing cached) answers — polled again, in other time zones, for one model, after a
 * write into a cached hour, when one turns dirty, after a rebuild of hours loaded behind the
 * store's back and after one's row turns out to be of another format.
 */
import { HOUR_MS, type RequestMetric, type StatsFilter } from '@ollama-perf/core';
import { FIXTURE_START, fixtureRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { TEST_DATABASES, testStores } from './support/test-databases.js';

const openTestStore = testStores();
const records = fixtureRecords(1800, 72);
const NOW = FIXTURE_START + 73 * HOUR_MS;
const WINDOW: StatsFilter = { from: FIXTURE_START + 5 * HOUR_MS + 123, to: FIXTURE_START + 60 * HOUR_MS - 99 };
const MODEL = 'hf.co/org/repo:Q4_K_M';
/** An hour in the middle of every window asked: cached by the time it is written into. */
const CACHED_HOUR = FIXTURE_START + 30 * HOUR_MS;

/** What a dashboard asks, in one order: windows × time zones, all models and one. */
const QUESTIONS: Array<(store: MetricStore) => Promise<string>> = [undefined, 'Asia/Kolkata'].flatMap((tz) => [
  async (store: MetricStore) => JSON.stringify(await store.summary({}, { tz })),
  async (store: MetricStore) => JSON.stringify(await store.summary(WINDOW, { tz })),
  async (store: MetricStore) => (await store.modelSummaryJson(MODEL, WINDOW, { tz })) as string,
]);

/** The answers of `store` to every question, in order. */
async function answersOf(store: MetricStore): Promise<string[]> {
  const answers: string[] = [];
  for (const ask of QUESTIONS) answers.push(await ask(store));
  return answers;
}

/** A record like the fixture's `i`th, with its own id, at `ts`. */
const extra = (i: number, ts: number): RequestMetric => ({ ...(records[i] as RequestMetric), id: `extra-${i}`, ts });

for (const target of TEST_DATABASES) {
  describe(`by_hour_of_day from the store's cache on ${target.label}`, () => {
    let store: MetricStore;
    let url: string;

    /** The answers of stores over the same database with nothing cached: a fresh store for each question. */
    async function uncachedAnswers(): Promise<string[]> {
      const answers: string[] = [];
      for (const ask of QUESTIONS) {
        const fresh = await openStore(url);
        fresh.exactUpTo = 0;
        try {
          answers.push(await ask(fresh));
        } finally {
          await fresh.close();
        }
      }
      return answers;
    }

    beforeAll(async () => {
      ({ store, url } = await openTestStore(target));
      for (let i = 0; i < records.length; i += 300) await store.insert(records.slice(i, i + 300));
      await store.rollups.build(NOW);
      store.exactUpTo = 0;
    }, 60_000);

    it('answers as a store with nothing cached, to the digit, polled again, time zones and models apart', async () => {
      const first = await answersOf(store);
      const again = await answersOf(store);
      const uncached = await uncachedAnswers();
      expect(first).toEqual(uncached);
      expect(again).toEqual(uncached);
      // The time zones do give other hours of the day: an answer mixing them up would show.
      expect(new Set(uncached.filter((_, i) => i % 3 === 0)).size).toBe(2);
    });

    it('answers anew after a write into a cached hour (written through: the hour stays clean)', async () => {
      const before = await answersOf(store);
      await store.insert([extra(3, CACHED_HOUR + 1234)]);
      const period = await store.db
        .selectFrom('rollup_periods')
        .select(['version', 'built_version'])
        .where('id', '=', `hour:${CACHED_HOUR}`)
        .executeTakeFirstOrThrow();
      expect(Number(period.built_version)).toBe(Number(period.version));

      const after = await answersOf(store);
      expect(after).toEqual(await uncachedAnswers());
      expect(after).not.toEqual(before);
    });

    it('answers anew when a cached hour turns dirty (its records then read, not its rows)', async () => {
      const before = await answersOf(store);
      // Few records of an old hour in a batch reaching further: left dirty for the builder.
      await store.insert([extra(4, CACHED_HOUR + 4321), extra(7, FIXTURE_START + 71 * HOUR_MS + 7)]);
      const period = await store.db
        .selectFrom('rollup_periods')
        .select(['version', 'built_version'])
        .where('id', '=', `hour:${CACHED_HOUR}`)
        .executeTakeFirstOrThrow();
      expect(Number(period.built_version)).not.toBe(Number(period.version));

      const after = await answersOf(store);
      expect(after).toEqual(await uncachedAnswers());
      expect(after).not.toEqual(before);
    });

    it('answers anew after a rebuild of hours loaded behind its back', async () => {
      // Every hour clean and cached first: after the rebuild, the same hours are.
      await store.rollups.build(NOW);
      const before = await answersOf(store);
      // A bulk load that bypassed the store, then marked and rebuilt as after an import.
      for (const record of [extra(5, CACHED_HOUR + 99), extra(6, CACHED_HOUR + 7 * HOUR_MS)])
        await store.db.executeQuery(store.backend.insertRecords([record]));
      await store.rollups.markAll();
      await store.rollups.build(NOW);

      const after = await answersOf(store);
      expect(after).toEqual(await uncachedAnswers());
      expect(after).not.toEqual(before);
    });

    it("answers anew after a cached hour's row turns out to be of another format and is rebuilt", async () => {
      const before = await answersOf(store);
      // A record loaded behind its back and never marked: only a rebuild of its hour counts it.
      await store.db.executeQuery(store.backend.insertRecords([extra(8, CACHED_HOUR + 555)]));
      const seriesRow = store.db
        .selectFrom('metric_rollups')
        .where('grain', '=', 'hour_all')
        .where('start', '=', CACHED_HOUR);
      const { json } = await seriesRow.select('json').executeTakeFirstOrThrow();
      await store.db
        .updateTable('metric_rollups')
        .set({ json: (json as string).replace(/^\{"version":\d+/, '{"version":999') })
        .where('grain', '=', 'hour_all')
        .where('start', '=', CACHED_HOUR)
        .execute();
      // The hourly series reads that row, and marks its hour not built; the builder rebuilds it.
      await store.summaryJson({}, { series: 'hourly' });
      await store.rollups.build(NOW);

      const after = await answersOf(store);
      expect(after).toEqual(await uncachedAnswers());
      expect(after).not.toEqual(before);
    });
  });
}
