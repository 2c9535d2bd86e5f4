/**
 * Rollups: the figures of each model × operation × project per hour, day and month (UTC),
 * kept in `metric_rollups` so that `/stats` merges a few dozen rows instead of reading
 * millions of records. They are a cache of `request_metrics`, never a second truth:
 *
 * - every insert bumps the `version` of the hour, day and month its records fall in, in the
 *   same transaction (`rollup_periods`, ./mark.ts), and where it can, merges its records into
 *   the rollups of their hours there and then, so those stay clean (./write-through.ts);
 * - {@link Rollups.build} rebuilds periods whose rollups are older than their version
 *   (./build.ts) and records which version it built, atomically with the rows;
 * - {@link Rollups.plan} serves a window from clean months, days and hours only, and reads the
 *   records of everything else (./plan.ts). So answers are never stale, and a late record,
 *   an import or a concurrent build can only make a period dirty — never wrong;
 * - every stored row carries a format version (./stored-formats.ts); a reader meeting
 *   another one marks its period not built and answers from the records (./read.ts).
 */
import {
  type GroupSummary,
  hourStartOf,
  type ModelSeriesPoint,
  modelSeriesPoint,
  type RequestMetric,
  type StatsFilter,
} from '@ollama-perf/core';
import {
  type BuiltPart,
  type HourFigures,
  type HourOfDayAggregates,
  type HourPart,
  hourOfDayAggregates,
  partsByPeriod,
  partsOfRecords,
  type RollupPart,
} from '@ollama-perf/core/rollup';
import type { CompiledQuery } from 'kysely';
import { MetricsAccumulator } from '../../metrics/accumulator.js';
import type { RollupGrain } from '../schema.js';
import type { TransactionScript } from '../transaction-script.js';
import { type BuildResult, buildRollups } from './build.js';
import type { RollupHost, StalePeriods } from './host.js';
import { closedHourCount, HourOfDayCache, hourOfDayKey } from './hour-of-day-cache.js';
import { markAll, markChangedQueries, markNotBuilt } from './mark.js';
import { plannedRanges, planWindow, type RawRange, type RollupPlan, servesRollups } from './plan.js';
import { readHourFigures, readHourSummaries, readMetricsStates, readModelHourSummaries, readParts } from './read.js';
import { insertWritingThrough } from './write-through.js';

export type { BuildResult } from './build.js';
export type { RollupHost } from './host.js';
export { DAY_MS, periodEndOf, periodStartOf } from './periods.js';
export type { RawRange, RollupPlan } from './plan.js';

/** Rollup maintenance and planning over one store's database. */
export class Rollups {
  /** Merged `by_hour_of_day` of recent windows' closed hours. */
  private readonly hoursOfDay = new HourOfDayCache();

  constructor(private readonly host: RollupHost) {}

  /**
   * The statements that mark the hours and days of `records` as changed: run them in the
   * transaction that inserts the records.
   */
  markChanged(records: Iterable<RequestMetric>): CompiledQuery[] {
    return markChangedQueries(this.host, records);
  }

  /**
   * The transaction that inserts `records` (the statements `inserts`), marks their periods
   * changed and keeps the rollups of their hours current (./write-through.ts); for a store
   * whose database runs transaction scripts. Returns the number of records inserted.
   */
  insertScript(records: readonly RequestMetric[], inserts: readonly CompiledQuery[]): TransactionScript<number> {
    return insertWritingThrough(this.host, records, inserts);
  }

  /**
   * Marks every hour and day that holds records as changed (after a bulk load that bypassed
   * the store); months follow as their days are rebuilt.
   */
  markAll(): Promise<void> {
    return markAll(this.host);
  }

  /**
   * Rebuilds up to `limit` periods per grain whose rollups are out of date, or of another
   * format version: hours begun by `now`, days and months ended by then. Safe to run anywhere, any number of times,
   * concurrently.
   */
  build(now: number, limit = 200): Promise<BuildResult> {
    return buildRollups(this.host, now, limit);
  }

  /**
   * Which months, days and hours of the window `filter` names can be served from rollups,
   * and which ranges must be read from records. `hourly`: hours only (a series by hour).
   */
  plan(filter: StatsFilter, hourly: boolean): Promise<RollupPlan> {
    return planWindow(this.host.db, filter, hourly ? 'hour' : 'month');
  }

  /**
   * A window's figures as far as rollups serve them — clean periods up to the grain `longest`
   * (months, days and hours; days and hours; hours only) — and the ranges left to the records;
   * `null` when no rollup covers any of it. Periods whose rows are of another format version
   * are left to the records.
   *
   * @example
   * const served = await rollups.served({ from, to }, 'month');
   * if (served !== null) for (const [from, to] of served.raw) served.parts.push(...partsOfRecords(await records({ from, to })));
   */
  served(filter: StatsFilter, longest: RollupGrain): Promise<{ parts: RollupPart[]; raw: RawRange[] } | null> {
    return this.readingCurrent(async (exclude, stale) => {
      const plan = await planWindow(this.host.db, filter, longest, exclude);
      if (!servesRollups(plan)) return null;
      const parts: RollupPart[] = [];
      for (const range of plannedRanges(plan)) parts.push(...(await readParts(this.host.db, range, filter, stale)));
      return { parts, raw: plan.raw };
    });
  }

  /**
   * The hour parts of an hourly series over the window `filter` names: the stored summaries
   * of clean hours (per model, or all models) plus parts from the records of the rest. `null`
   * when the filter names an operation or project (series rows span all of them).
   */
  seriesParts(filter: StatsFilter): Promise<HourPart[] | null> {
    return this.seriesRows(filter, readHourSummaries);
  }

  /**
   * What `by_hour_of_day` of the window `filter` names is merged from, in `tz`: the figures of
   * its closed clean hours already merged (from the cache while none of them changed: see
   * ./hour-of-day-cache.ts), then the blobs of the series rows of its newest clean hours (one
   * row per hour) and parts from the records of the rest — the order a merge of every hour
   * takes, so the answer is the same to the digit. `null` when the filter names an operation
   * or project (series rows span all of them).
   */
  async hourOfDay(
    filter: StatsFilter,
    tz: string | undefined,
  ): Promise<{ hourOfDayBase: HourOfDayAggregates; hourParts: HourFigures[] } | null> {
    if (filter.operation !== undefined || filter.project !== undefined) return null;
    const { base, stored, raw } = await this.readingCurrent(async (exclude, stale) => {
      const plan = await planWindow(this.host.db, filter, 'hour', exclude);
      const closed = closedHourCount(plan.hours);
      const hours = plan.hours.slice(0, closed);
      const key = hourOfDayKey(filter.model, tz, hours, plan.hourVersions.slice(0, closed));
      let base = this.hoursOfDay.get(key);
      if (base === undefined) {
        const staleBefore = stale.size;
        base = hourOfDayAggregates(await readHourFigures(this.host.db, hours, filter.model, stale), tz);
        // Rows of another format were left out: this read runs again without their hours.
        if (stale.size === staleBefore) this.hoursOfDay.set(key, base);
      }
      const stored = await readHourFigures(this.host.db, plan.hours.slice(closed), filter.model, stale);
      return { base, stored, raw: plan.raw };
    });
    const hourParts: HourFigures[] = stored;
    hourParts.push(...(await this.rawParts(filter, raw)));
    return { hourOfDayBase: base, hourParts };
  }

  /**
   * `series_by_model` by hour over the window `filter` names: a few figures of each model's
   * stored hour summaries (clean hours) plus the records of the rest; `null` when the filter
   * names an operation or project (series rows span all of them).
   */
  async modelHourSeries(filter: StatsFilter): Promise<Record<string, ModelSeriesPoint[]> | null> {
    if (filter.operation !== undefined || filter.project !== undefined) return null;
    const { stored, raw } = await this.readingCurrent(async (exclude, stale) => {
      const plan = await planWindow(this.host.db, filter, 'hour', exclude);
      return { stored: await readModelHourSummaries(this.host.db, plan.hours, filter.model, stale), raw: plan.raw };
    });
    const points = new Map<string, ModelSeriesPoint[]>();
    const add = (model: string, point: ModelSeriesPoint) => {
      const line = points.get(model) ?? [];
      points.set(model, line);
      line.push(point);
    };
    for (const { start, model, summaryJson } of stored)
      add(model, modelSeriesPoint(start, JSON.parse(summaryJson) as GroupSummary));
    for (const [from, to] of raw) {
      const { byModel } = partsByPeriod(partsOfRecords(await this.host.records({ ...filter, from, to })), hourStartOf);
      for (const [model, hours] of byModel)
        for (const [start, figures] of hours) add(model, modelSeriesPoint(start, figures.summary()));
    }
    const out: Record<string, ModelSeriesPoint[]> = {};
    for (const model of [...points.keys()].sort())
      out[model] = (points.get(model) as ModelSeriesPoint[]).sort((a, b) => a.start - b.start);
    return out;
  }

  private async seriesRows<T>(
    filter: StatsFilter,
    read: (
      db: RollupHost['db'],
      hours: readonly number[],
      model: string | undefined,
      stale: StalePeriods,
    ) => Promise<T[]>,
  ): Promise<Array<T | BuiltPart> | null> {
    if (filter.operation !== undefined || filter.project !== undefined) return null;
    const { stored, raw } = await this.readingCurrent(async (exclude, stale) => {
      const plan = await planWindow(this.host.db, filter, 'hour', exclude);
      return { stored: await read(this.host.db, plan.hours, filter.model, stale), raw: plan.raw };
    });
    const parts: Array<T | BuiltPart> = stored;
    parts.push(...(await this.rawParts(filter, raw)));
    return parts;
  }

  /** Parts (by hour) from the records of the ranges `raw` of the window `filter` names. */
  private async rawParts(filter: StatsFilter, raw: readonly RawRange[]): Promise<BuiltPart[]> {
    const parts: BuiltPart[] = [];
    for (const [from, to] of raw) parts.push(...partsOfRecords(await this.host.records({ ...filter, from, to })));
    return parts;
  }

  /**
   * The Prometheus families over every record: the stored states of clean months, days and
   * hours, plus the records of everything else — exact, like reading every record.
   */
  async metrics(): Promise<MetricsAccumulator> {
    const { metrics, raw } = await this.readingCurrent(async (exclude, stale) => {
      const plan = await planWindow(this.host.db, {}, 'month', exclude);
      const metrics = new MetricsAccumulator();
      for (const range of plannedRanges(plan)) await readMetricsStates(this.host.db, metrics, range, stale);
      return { metrics, raw: plan.raw };
    });
    for (const [from, to] of raw) for (const record of await this.host.records({ from, to })) metrics.add(record);
    return metrics;
  }

  /**
   * Runs `read` until it meets no row of another format version: each time it does, those
   * periods are marked not built and the next run leaves them to the records. Ends, since
   * each run excludes more periods; in the usual case, `read` runs once.
   */
  private async readingCurrent<T>(read: (exclude: ReadonlySet<string>, stale: StalePeriods) => Promise<T>): Promise<T> {
    const exclude = new Set<string>();
    for (;;) {
      const stale: StalePeriods = new Set();
      const result = await read(exclude, stale);
      if (stale.size === 0) return result;
      await markNotBuilt(this.host, stale);
      for (const id of stale) exclude.add(id);
    }
  }
}
