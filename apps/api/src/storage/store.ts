/**
 * MetricStore: writes records and answers the stats queries, on any Kysely database
 * (better-sqlite3, D1, pg). Runtime-free: the caller opens the database and names its
 * {@link StorageBackend}, which says everything the store must know about it.
 *
 * Statistics of windows holding few records (at most {@link MetricStore.exactUpTo}) are
 * computed by core's `summarize()` over the matching rows (exact, the same on every backend to
 * the last digit); larger windows merge hourly, daily and monthly rollups with the records of
 * their edges (see ./rollups/): counts and sums exact, percentiles within core's sketch
 * accuracy (0.9%).
 */
import {
  type AvailabilityRun,
  type Comparison,
  daily,
  dailySeries,
  dayStartOf,
  hourly,
  hourStartOf,
  type ModelSummary,
  NO_PROJECT,
  type RequestMetric,
  type Series,
  type StatsFilter,
  type Summary,
  seriesByModel,
  seriesByModelOf,
  summarize,
} from '@ollama-perf/core';
import {
  aggregatesByModel,
  compareWindows,
  GroupAggregate,
  type HourPart,
  hourlyJsonOfParts,
  joinJsonObjects,
  jsonObjectOf,
  modelSummaryJsonOfParts,
  type PartsSummaryOptions,
  partsByPeriod,
  partsOfRecords,
  type RollupPart,
  summaryOfParts,
} from '@ollama-perf/core/rollup';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { MetricsState } from '../metrics/state.js';
import type { ResidencyEvent } from '../residency/residency.js';
import { availabilityRuns, lastAvailabilityRun, saveAvailabilityRun } from './availability-runs.js';
import type { StorageBackend } from './backend.js';
import type { CompareRequest, GatewayStore, InsertResult, SummaryRequest } from './gateway-store.js';
import { Rollups } from './rollups/index.js';
import { byId, fromRow } from './rows.js';
import type { Database, RollupGrain } from './schema.js';
import { kyselyScriptRunner, type ScriptRunner, statementsChanging } from './transaction-script.js';

export type { CompareRequest, InsertResult, SummaryRequest } from './gateway-store.js';

/**
 * How a connection runs several statements atomically outside Kysely (D1 has no transactions,
 * better-sqlite3 runs them faster synchronously); resolves with the rows each changed.
 */
export type BatchExecutor = (queries: CompiledQuery[]) => Promise<number[]>;

/** Options of {@link MetricStore}. */
export interface MetricStoreOptions {
  /** The database's backend: its SQL, limits and migrations. */
  backend: StorageBackend;
  /**
   * Runs compiled statements as one atomic batch, returning the rows each changed (D1's `batch`,
   * better-sqlite3's synchronous transaction); without it, statements run in a Kysely transaction.
   */
  batch?: BatchExecutor;
  /**
   * Runs transaction scripts (reads and writes in one transaction): an insert then keeps its
   * hours' rollups current as it writes. Without it (D1), inserts only mark their periods changed.
   */
  script?: ScriptRunner;
  /** Closes the underlying connection(s). */
  close?: () => Promise<void>;
}

/** Windows holding at most this many records are summarized exactly, by default: reading them costs a few ms. */
export const EXACT_UP_TO = 10_000;

/** Storage of request metrics and the statistics over them. */
export class MetricStore implements GatewayStore {
  /**
   * Windows holding at most this many records are summarized exactly from them; larger ones
   * from rollups (percentiles within 1%). 0: rollups wherever they serve (`STATS_EXACT_UP_TO`).
   */
  exactUpTo = EXACT_UP_TO;
  /** The database this store talks to (`backend.name` is what `/healthz` reports). */
  readonly backend: StorageBackend;
  /** The hourly and daily rollups behind the stats of long windows. */
  readonly rollups: Rollups;
  private readonly batch: BatchExecutor | undefined;
  private readonly script: ScriptRunner | undefined;
  private readonly closeConnection: (() => Promise<void>) | undefined;

  constructor(
    readonly db: Kysely<Database>,
    options: MetricStoreOptions,
  ) {
    this.backend = options.backend;
    this.batch = options.batch;
    this.script = options.script;
    this.closeConnection = options.close;
    this.rollups = new Rollups({
      db,
      maxParams: this.backend.maxParams,
      runAtomically: (queries) => this.runAtomically(queries),
      records: (filter) => this.records(filter),
    });
  }

  /** Runs statements all or none: the connection's batch, or one transaction. Resolves with the rows each changed. */
  async runAtomically(queries: CompiledQuery[]): Promise<number[]> {
    if (this.batch !== undefined) return this.batch(queries);
    return kyselyScriptRunner(this.db as Kysely<unknown>)(statementsChanging(queries));
  }

  /**
   * Stores records, all or none; a record whose `id` is already stored is skipped, so a
   * retried batch is harmless. Records must already be valid (validate at the edge).
   */
  async insert(records: RequestMetric[]): Promise<InsertResult> {
    if (records.length === 0) return { received: 0, inserted: 0, duplicates: 0 };
    const { ordersWrites, recordsPerInsert } = this.backend;
    const ordered = ordersWrites ? [...records].sort(byId) : records;
    const inserts: CompiledQuery[] = [];
    for (let i = 0; i < ordered.length; i += recordsPerInsert)
      inserts.push(this.backend.insertRecords(ordered.slice(i, i + recordsPerInsert)));
    const inserted =
      this.script !== undefined
        ? await this.script(this.rollups.insertScript(records, inserts))
        : await this.insertMarking(records, inserts);
    return { received: records.length, inserted, duplicates: records.length - inserted };
  }

  /** Inserts and marks the periods the records fall in as changed, in one atomic batch; resolves with the rows inserted. */
  private async insertMarking(records: RequestMetric[], inserts: CompiledQuery[]): Promise<number> {
    const changed = await this.runAtomically([...inserts, ...this.rollups.markChanged(records)]);
    return changed.slice(0, inserts.length).reduce((sum, n) => sum + n, 0);
  }

  /** The records matching a filter, oldest first. */
  async records(filter: StatsFilter = {}): Promise<RequestMetric[]> {
    const rows = await this.matching(filter).orderBy('ts').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /**
   * The records matching a filter, oldest first, in pages of `batchSize`: memory stays
   * flat however many there are (exports). Pages follow the (ts, id) keyset rather than an
   * OFFSET, so each page is an index range scan and records inserted meanwhile neither
   * repeat nor shift the pages; the same query runs on SQLite, PostgreSQL and D1.
   *
   * @example
   * for await (const page of store.stream({ model: 'llama3.2' })) for (const r of page) write(r);
   */
  async *stream(filter: StatsFilter = {}, batchSize = 5000): AsyncGenerator<RequestMetric[], void, undefined> {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    let after: { ts: number; id: string } | null = null;
    for (;;) {
      let query = this.matching(filter);
      if (after !== null) {
        const { ts, id } = after;
        query = query.where((eb) => eb.or([eb('ts', '>', ts), eb.and([eb('ts', '=', ts), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('ts').orderBy('id').limit(batchSize).execute();
      if (rows.length === 0) return;
      const page = rows.map(fromRow);
      yield page;
      if (rows.length < batchSize) return;
      const last = page[page.length - 1] as RequestMetric;
      after = { ts: last.ts, id: last.id };
    }
  }

  private matching(filter: StatsFilter) {
    let query = this.db.selectFrom('request_metrics').selectAll();
    if (filter.from !== undefined) query = query.where('ts', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('ts', '<', filter.to);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
    if (filter.project === NO_PROJECT) query = query.where('project', 'is', null);
    else if (filter.project !== undefined) query = query.where('project', '=', filter.project);
    return query;
  }

  /**
   * A window's figures as rollup parts — clean periods up to the grain `longest` (months, days
   * and hours by default) plus the records of the ranges no clean rollup covers — or `null`
   * when no rollup covers any of it (the caller then computes exactly from records).
   */
  private async partsFor(filter: StatsFilter, longest: RollupGrain): Promise<RollupPart[] | null> {
    const served = await this.rollups.served(filter, longest);
    if (served === null) return null;
    const { parts, raw } = served;
    for (const [from, to] of raw) parts.push(...partsOfRecords(await this.records({ ...filter, from, to })));
    return parts;
  }

  /** A window's figures as parts, from rollups up to `longest` where they serve, else from its records. */
  private async periodParts(filter: StatsFilter, longest: RollupGrain): Promise<RollupPart[]> {
    return (await this.partsFor(filter, longest)) ?? partsOfRecords(await this.records(filter));
  }

  /** Hour parts of a window, for its hourly series. */
  private async hourPartsFor(filter: StatsFilter): Promise<HourPart[]> {
    return (await this.rollups.seriesParts(filter)) ?? (await this.periodParts(filter, 'hour'));
  }

  /**
   * What `by_hour_of_day` of a window in `tz` is merged from: its closed hours already merged
   * (cached) and one series row per newer hour where rollups serve, else parts by hour.
   */
  private async hourOfDayFor(
    filter: StatsFilter,
    tz: string | undefined,
  ): Promise<Pick<PartsSummaryOptions, 'hourOfDayBase' | 'hourParts'>> {
    return (await this.rollups.hourOfDay(filter, tz)) ?? { hourParts: await this.periodParts(filter, 'hour') };
  }

  /**
   * Whether the window `filter` names holds at most {@link MetricStore.exactUpTo} records:
   * counted up to one more than that, never further, so the answer costs the same at 10M records.
   */
  private async isSmall(filter: StatsFilter): Promise<boolean> {
    if (this.exactUpTo <= 0) return false;
    const window = this.matching(filter)
      .clearSelect()
      .select(sql<number>`1`.as('one'))
      .limit(this.exactUpTo + 1)
      .as('window');
    const row = await this.db
      .selectFrom(window)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n) <= this.exactUpTo;
  }

  /** The window's parts from rollups, or `null` when it is small or no rollup serves it (then: its records). */
  private async rollupParts(filter: StatsFilter): Promise<RollupPart[] | null> {
    return (await this.isSmall(filter)) ? null : await this.partsFor(filter, 'month');
  }

  /** The summary of parts served from rollups: `by_hour_of_day` from the window's hours. */
  private async summaryOfRollups(parts: RollupPart[], filter: StatsFilter, options: SummaryRequest): Promise<Summary> {
    return summaryOfParts(parts, filter, { tz: options.tz, ...(await this.hourOfDayFor(filter, options.tz)) });
  }

  /** `GET /stats`: the Summary JSON over the records matching `filter`. */
  async summary(filter: StatsFilter = {}, options: SummaryRequest = {}): Promise<Summary> {
    const parts = await this.rollupParts(filter);
    if (parts === null) return summarize(await this.records(filter), filter, options);
    return this.summaryOfRollups(parts, filter, options);
  }

  /** `GET /stats` as JSON text: the summary, plus the `series` asked for and `series_by_model`. */
  async summaryJson(filter: StatsFilter = {}, options: SummaryRequest = {}): Promise<string> {
    const { series } = options;
    if (series === undefined) return JSON.stringify(await this.summary(filter, options));
    const parts = await this.rollupParts(filter);
    if (parts === null) {
      const records = await this.records(filter);
      return JSON.stringify({ ...summarize(records, filter, options), ...seriesOfRecords(records, series) });
    }
    const summary = JSON.stringify(await this.summaryOfRollups(parts, filter, options));
    if (series === 'daily') return joinJsonObjects(summary, await this.dailyJson(filter));
    return joinJsonObjects(
      summary,
      jsonObjectOf({ hourly: hourlyJsonOfParts(await this.hourPartsFor(filter)) }),
      await this.seriesByModelJson(filter, 'hour'),
    );
  }

  /** `{"series_by_model": …}` from rollups: hours, or days (`longest` 'day'). */
  private async seriesByModelJson(filter: StatsFilter, longest: 'hour' | 'day'): Promise<string> {
    // By hour: a few figures out of each model's stored hour summaries, when the filter allows.
    const byHour = longest === 'hour' ? await this.rollups.modelHourSeries(filter) : null;
    if (byHour !== null) return JSON.stringify({ series_by_model: byHour });
    const periodStartOf = longest === 'hour' ? hourStartOf : dayStartOf;
    const { byModel } = partsByPeriod(await this.periodParts(filter, longest), periodStartOf);
    return JSON.stringify({ series_by_model: seriesByModelOf(byModel) });
  }

  /** `{"daily": …, "series_by_model": …}` from day rollups (and hours and records at the edges). */
  private async dailyJson(filter: StatsFilter): Promise<string> {
    const { all, byModel } = partsByPeriod(await this.periodParts(filter, 'day'), dayStartOf);
    return JSON.stringify({
      daily: dailySeries(all, new GroupAggregate().summary()),
      series_by_model: seriesByModelOf(byModel),
    });
  }

  /**
   * `GET /stats/:model` as JSON text: one model's summary and series (the hourly series spliced
   * from the summaries stored per hour), or `null` when the model has no records at all.
   */
  async modelSummaryJson(
    model: string,
    filter: StatsFilter = {},
    options: SummaryRequest = {},
  ): Promise<string | null> {
    const scoped = { ...filter, model };
    const { series } = options;
    const parts = await this.rollupParts(scoped);
    if (parts !== null) {
      const json = modelSummaryJsonOfParts(parts, await this.hourPartsFor(scoped), model, scoped, {
        tz: options.tz,
        ...(await this.hourOfDayFor(scoped, options.tz)),
      });
      if (series === undefined) return json;
      return joinJsonObjects(
        json,
        series === 'daily' ? await this.dailyJson(scoped) : await this.seriesByModelJson(scoped, 'hour'),
      );
    }
    const records = await this.records(scoped);
    if (records.length === 0 && !(await this.hasModel(model))) return null;
    const summary: ModelSummary = {
      ...summarize(records, scoped, options),
      model,
      hourly: hourly(records),
      ...(series === undefined ? {} : seriesOfRecords(records, series)),
    };
    return JSON.stringify(summary);
  }

  /**
   * `GET /stats/compare`: each model's key figures in the window `from`..`to` against the
   * baseline window, with whether each change is beyond noise (from sketches either way: of
   * the records of a small window, merged from rollups otherwise).
   */
  async compare(request: CompareRequest): Promise<Comparison> {
    const { baseline_from, baseline_to, ...current } = request;
    const baseline = { ...current, from: baseline_from, to: baseline_to };
    const figures = async (filter: StatsFilter) =>
      aggregatesByModel((await this.rollupParts(filter)) ?? partsOfRecords(await this.records(filter)));
    return compareWindows(request, await figures(current), await figures(baseline));
  }

  /** Stores residency changes (ids make a repeated sample harmless). */
  async insertResidency(events: ResidencyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('model_residency')
      .values(events)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** Residency changes, oldest first; `before` bounds them (exclusive) for a window's history. */
  async residencyEvents(before?: number): Promise<ResidencyEvent[]> {
    let query = this.db.selectFrom('model_residency').selectAll();
    if (before !== undefined) query = query.where('ts', '<', before);
    const rows = await query.orderBy('ts').orderBy('id').execute();
    return rows.map((r) => ({
      ...r,
      ts: Number(r.ts),
      size: r.size === null ? null : Number(r.size),
      size_vram: r.size_vram === null ? null : Number(r.size_vram),
      context_length: r.context_length === null ? null : Number(r.context_length),
    }));
  }

  /** Stores the current run of `/api/ps` polls. */
  saveAvailabilityRun(run: AvailabilityRun): Promise<void> {
    return saveAvailabilityRun(this.db, run);
  }

  /** Runs of polls whose last poll is at or after `since`, oldest first. */
  availabilityRuns(since?: number): Promise<AvailabilityRun[]> {
    return availabilityRuns(this.db, since);
  }

  /** The latest run of polls, if any. */
  lastAvailabilityRun(): Promise<AvailabilityRun | null> {
    return lastAvailabilityRun(this.db);
  }

  /** Whether any record names this model. */
  async hasModel(model: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('request_metrics')
      .select('id')
      .where('model', '=', model)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Number of stored records. */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('request_metrics')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The Prometheus families over every record (`GET /metrics`), as their plain state. */
  async metricsState(): Promise<MetricsState> {
    return (await this.rollups.metrics()).state();
  }

  /** Checks that the database answers. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** Closes the connection(s). */
  async close(): Promise<void> {
    await this.db.destroy();
    await this.closeConnection?.();
  }
}

/** The `series` asked for over records: the points over all models, and `series_by_model`. */
function seriesOfRecords(records: RequestMetric[], series: Series) {
  return series === 'hourly'
    ? { hourly: hourly(records), series_by_model: seriesByModel(records, hourStartOf) }
    : { daily: daily(records), series_by_model: seriesByModel(records, dayStartOf) };
}
