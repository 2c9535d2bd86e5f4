/**
 * Rollups answer like the records they summarize, on every backend (SQLite, PostgreSQL, D1
 * in workerd): after a build, `/stats` and `/stats/:model` over three days of records —
 * whole days from day rollups, the edges from hour rollups and records — equal core's exact
 * `summarize()` with counts, sums and extremes to the digit and every percentile within 1%;
 * `/metrics` merged from stored Prometheus families equals the families over every record.
 */
import {
  byPromptTokens,
  hourly,
  hourStartOf,
  NO_PROJECT,
  type StatsFilter,
  seriesByModel,
  summarize,
} from '@ollama-perf/core';
import { relativeDifference, summaryDifferences } from '@ollama-perf/core/rollup';
import { FIXTURE_START, fixtureRecords } from '@ollama-perf/testkit/records';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/metrics/render.js';
import type { BuildResult } from '../../src/storage/rollups/index.js';
import type { Database } from '../../src/storage/schema.js';
import { parseExposition } from './prometheus-text.js';
import { formatCorruptions, storedRowsAreCurrent } from './stored-formats.js';
import { SUITE_TOKEN } from './token.js';

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** A fresh app over an empty database, a way to run its rollup build, and the database itself. */
export interface RollupTarget {
  fetch: Fetch;
  build(now: number): Promise<BuildResult>;
  /** The app's database, to rewrite stored rollups as another format version would have written them. */
  db: Kysely<Database>;
  /**
   * Whether an insert keeps its hours' rollups current itself (SQLite, PostgreSQL); D1 runs
   * no interactive transactions, so there the build does it.
   */
  writesThrough: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// DESIGN.md allows approximate percentiles within 1% of the exact R-7 ones.
const TOLERANCE = 0.01;
const LATER = Date.UTC(2030, 0, 1);

/** Checks that exposition `text` holds the families of `records`, bucket for bucket. */
function expectMetricsOfRecords(text: string, records: Parameters<typeof renderMetrics>[0]): void {
  const served = parseExposition(text);
  const expected = parseExposition(renderMetrics(records));
  expect(served.families).toEqual(expected.families);
  expect(served.samples.map((x) => [x.name, x.labels])).toEqual(expected.samples.map((x) => [x.name, x.labels]));
  served.samples.forEach((sample, i) => {
    const want = (expected.samples[i] as (typeof expected.samples)[number]).value;
    // Sums of seconds added hour by hour round differently in the last bits; counts are exact.
    if (sample.name.endsWith('_sum')) expect(relativeDifference(sample.value, want)).toBeLessThan(1e-9);
    else expect(sample.value).toBe(want);
  });
}

/** Registers the suite; `connect` is called once, in `beforeAll`. */
export function rollupSuite(backend: string, connect: () => Promise<RollupTarget>): void {
  describe(`rollups on ${backend}`, () => {
    // 08:00 on day one to 08:00 on day four: two whole days, two partial ones.
    const records = fixtureRecords(1200, 72);
    let target: RollupTarget;
    let firstBuild: BuildResult;
    const getText = async (path: string) => {
      const res = await target.fetch(path, { headers: { authorization: `Bearer ${SUITE_TOKEN}` } });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const getJson = async (path: string) => {
      const res = await target.fetch(path, { headers: { authorization: `Bearer ${SUITE_TOKEN}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const ingest = async (batch: unknown[]) => {
      const res = await target.fetch('/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${SUITE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(res.status).toBe(200);
    };

    beforeAll(async () => {
      target = await connect();
      for (let i = 0; i < records.length; i += 400) await ingest(records.slice(i, i + 400));
      firstBuild = await target.build(LATER);
    }, 120_000);

    it('builds every hour and day that holds records, and then has nothing left to do', async () => {
      const hours = new Set(records.map((r) => Math.floor(r.ts / HOUR))).size;
      // Each batch spreads thinly over a day: it merges only its newest hours, the build does the rest.
      expect(firstBuild).toMatchObject({ days: 4, months: 1 });
      expect(firstBuild.hours).toBeLessThanOrEqual(hours);
      expect(firstBuild.hours).toBeGreaterThan(target.writesThrough ? hours / 2 : hours - 1);
      const dirty = await target.db
        .selectFrom('rollup_periods')
        .select('id')
        .where((eb) => eb('built_version', '<>', eb.ref('version')))
        .execute();
      expect(dirty).toEqual([]);
      expect(await target.build(LATER)).toEqual({ hours: 0, days: 0, months: 0 });
    });

    it.each<[string, StatsFilter]>([
      ['', {}],
      [`from=${FIXTURE_START + 30 * HOUR + 1234}`, { from: FIXTURE_START + 30 * HOUR + 1234 }],
      [
        `from=${FIXTURE_START + 5 * HOUR}&to=${FIXTURE_START + 60 * HOUR - 99}`,
        { from: FIXTURE_START + 5 * HOUR, to: FIXTURE_START + 60 * HOUR - 99 },
      ],
      ['operation=generate&project=alpha', { operation: 'generate', project: 'alpha' }],
      [`project=${encodeURIComponent(NO_PROJECT)}`, { project: NO_PROJECT }],
    ])('GET /stats?%s equals the exact summary within 1%', async (query, filter) => {
      const body = await getJson(`/stats?${query}`);
      const comparison = summaryDifferences(body, summarize(records, filter), TOLERANCE);
      expect(comparison.differences).toEqual([]);
      expect(comparison.percentiles).toBeGreaterThan(100);
      // Served from rollups indeed: an exact computation would differ by nothing at all.
      expect(comparison.maxPercentileError).toBeGreaterThan(0);
    });

    it('GET /stats/:model gives the hourly series and prompt-size buckets within 1%', async () => {
      const model = 'hf.co/org/repo:Q4_K_M';
      const mine = records.filter((r) => r.model === model);
      const body = await getJson(`/stats/${encodeURIComponent(model)}`);
      const exact = {
        ...summarize(records, { model }),
        model,
        hourly: hourly(mine),
        by_prompt_tokens: byPromptTokens(mine),
      };
      const comparison = summaryDifferences(body, exact, TOLERANCE);
      expect(comparison.differences).toEqual([]);
      expect((body.hourly as unknown[]).length).toBe(72);
    });

    it('GET /stats?series=hourly gives the series over all models within 1%', async () => {
      const body = await getJson('/stats?series=hourly');
      expect(
        summaryDifferences(
          body,
          { ...summarize(records), hourly: hourly(records), series_by_model: seriesByModel(records, hourStartOf) },
          TOLERANCE,
        ).differences,
      ).toEqual([]);
    });

    it('GET /metrics merges the stored families into what every record gives, bucket for bucket', async () => {
      expectMetricsOfRecords(await getText('/metrics'), records);
    });

    it('reads no stored row of another format version: answers from records, then rebuilds those periods', async () => {
      const model = 'hf.co/org/repo:Q4_K_M';
      const window = `from=${FIXTURE_START + 5 * HOUR}&to=${FIXTURE_START + 60 * HOUR - 99}`;
      const paths = ['/stats', `/stats?${window}`, `/stats/${encodeURIComponent(model)}`, '/stats?series=hourly'];
      const pristine = await Promise.all([...paths, '/metrics'].map(getText));
      const corrupted = await formatCorruptions(target.db, FIXTURE_START, model);

      const mine = records.filter((r) => r.model === model);
      const exact = [
        summarize(records),
        summarize(records, { from: FIXTURE_START + 5 * HOUR, to: FIXTURE_START + 60 * HOUR - 99 }),
        { ...summarize(records, { model }), model, hourly: hourly(mine), by_prompt_tokens: byPromptTokens(mine) },
        { ...summarize(records), hourly: hourly(records), series_by_model: seriesByModel(records, hourStartOf) },
      ];
      for (const [i, path] of paths.entries())
        expect(summaryDifferences(await getJson(path), exact[i], TOLERANCE).differences, path).toEqual([]);
      expectMetricsOfRecords(await getText('/metrics'), records);

      const notBuilt = await target.db
        .selectFrom('rollup_periods')
        .select('id')
        .where((eb) => eb('built_version', '<>', eb.ref('version')))
        .execute();
      expect(notBuilt.map((row) => row.id).sort()).toEqual([...corrupted].sort());
      expect(await target.build(LATER)).toEqual({ hours: 5, days: 2, months: 1 });
      expect(await target.build(LATER)).toEqual({ hours: 0, days: 0, months: 0 });
      expect(await storedRowsAreCurrent(target.db)).toBe(true);
      expect(await Promise.all([...paths, '/metrics'].map(getText))).toEqual(pristine);
    });

    it('counts a record added to a built day at once, and the next build folds it in', async () => {
      const late = {
        ...(records[500] as (typeof records)[number]),
        id: 'late-arrival',
        ts: FIXTURE_START + DAY + 3 * HOUR + 17,
        latency_ms: 123_456,
      };
      await ingest([late]);
      const all = [...records, late];
      const before = await getJson('/stats');
      expect(summaryDifferences(before, summarize(all), TOLERANCE).differences).toEqual([]);
      expect(await target.build(LATER)).toEqual({ hours: target.writesThrough ? 0 : 1, days: 1, months: 1 });
      const after = await getJson('/stats');
      expect(summaryDifferences(after, summarize(all), TOLERANCE).differences).toEqual([]);
      expect((after.latency_ms as { max: number }).max).toBe(123_456);
    });

    it('builds an hour that is still open, but leaves its day and month to their hours until they are over', async () => {
      const open = Date.UTC(2028, 5, 10, 14);
      await ingest([{ ...(records[7] as (typeof records)[number]), id: 'open-hour', ts: open + 5 }]);
      // Written through where the store can; otherwise the build takes the open hour from its records.
      expect(await target.build(open + 60_000)).toEqual({ hours: target.writesThrough ? 0 : 1, days: 0, months: 0 });
      const dirty = await target.db
        .selectFrom('rollup_periods')
        .select('id')
        .where((eb) => eb('built_version', '<>', eb.ref('version')))
        .orderBy('id')
        .execute();
      expect(dirty.map((row) => row.id)).toEqual([`day:${Date.UTC(2028, 5, 10)}`, `month:${Date.UTC(2028, 5, 1)}`]);
      const body = await getJson(`/stats?from=${open}`);
      expect(body.requests).toBe(1);
    });

    it('takes batches in flight at once that touch the same periods in different orders', async () => {
      // Each batch walks the same hours, days and months in its own order. Were their rollup
      // periods marked in record order, two PostgreSQL transactions could each hold a row the
      // other one waits for (a deadlock, one batch refused).
      const later = Date.UTC(2029, 0, 30, 22);
      const spread = Array.from({ length: 6 }, (_, i) => later + i * 7 * HOUR);
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 60 }, (_, i) => ({
          ...(records[i] as (typeof records)[number]),
          id: `in-flight-${b}-${i}`,
          ts: (spread[(i * (b + 1) + b) % spread.length] as number) + b,
        })),
      );
      for (let round = 0; round < 3; round++) {
        const sent = batches.map((batch) => batch.map((r) => ({ ...r, id: `${r.id}-${round}` })));
        await Promise.all(sent.map((batch) => ingest(batch)));
      }
      const body = await getJson(`/stats?from=${later}`);
      expect(body.requests).toBe(8 * 60 * 3);
    });
  });
}
