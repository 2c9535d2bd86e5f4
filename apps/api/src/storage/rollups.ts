/**
 * Rollups: the figures of each model × operation × project per hour, day and month (UTC),
 * kept in `metric_rollups` so that `/stats` merges a few dozen rows instead of reading
 * millions of records. They are a cache of `request_metrics`, never a second truth:
 *
 * - every insert bumps the `version` of the hour, day and month its records fall in, in the
 *   same transaction (`rollup_periods`);
 * - {@link Rollups.build} rebuilds closed periods whose rollups are older than their
 *   version — hours from their records, days from their hours, months from their days — and
 *   records which version it built, atomically with the rows;
 * - {@link Rollups.plan} serves a window from clean months, days and hours only, and reads the
 *   records of everything else (the edges of the window, the current hour, periods changed
 *   since their build). So answers are never stale, and a late record, an import or a
 *   concurrent build can only make a period dirty — never wrong.
 */
import {
  type BuiltPart,
  decodeRollupInto,
  encodeRollup,
  HOUR_MS,
  type HourPart,
  NO_PROJECT,
  type Operation,
  partsOfRecords,
  type RequestMetric,
  RollupAggregate,
  type RollupPart,
  type StatsFilter,
} from '@ollama-perf/core';
import { type CompiledQuery, type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { MetricsAccumulator } from '../metrics/accumulator.js';
import { parseMetricsState } from '../metrics/state.js';
import { byId } from './rows.js';
import { type Database, METRIC_ROLLUP_COLUMNS, type MetricRollupTable, type RollupGrain } from './schema.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
const GRAINS: readonly RollupGrain[] = ['hour', 'day', 'month'];
// Each longer period is built from the periods one grain finer.
const FINER: Record<'day' | 'month', RollupGrain> = { day: 'hour', month: 'day' };

/** A time range to read records from; `undefined` ends are open. */
export type RawRange = readonly [from: number | undefined, to: number | undefined];

/** Where the figures of a window come from. */
export interface RollupPlan {
  /** Starts of the months served from month rollups. */
  months: number[];
  /** Starts of the days served from day rollups. */
  days: number[];
  /** Starts of the hours served from hour rollups. */
  hours: number[];
  /** The rest of the window, read from the records. */
  raw: RawRange[];
}

/** What one {@link Rollups.build} call did: periods rebuilt per grain. */
export interface BuildResult {
  hours: number;
  days: number;
  months: number;
}

/** How the store runs statements atomically, and reads records. */
export interface RollupHost {
  db: Kysely<Database>;
  /** Rows one statement may insert (bound-parameter limits differ by backend). */
  maxParams: number;
  runAtomically(queries: CompiledQuery[]): Promise<number[]>;
  records(filter: StatsFilter): Promise<RequestMetric[]>;
}

const periodId = (grain: RollupGrain, start: number) => `${grain}:${start}`;

/** Start of the UTC hour, day or month holding `ts`. */
export function periodStartOf(ts: number, grain: RollupGrain): number {
  if (grain === 'hour') return Math.floor(ts / HOUR_MS) * HOUR_MS;
  if (grain === 'day') return Math.floor(ts / DAY_MS) * DAY_MS;
  const date = new Date(ts);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** End (exclusive) of the period starting at `start`. */
export function periodEndOf(start: number, grain: RollupGrain): number {
  if (grain === 'hour') return start + HOUR_MS;
  if (grain === 'day') return start + DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

type RollupRow = Insertable<MetricRollupTable>;

/**
 * Extra rows of each hour for the hourly series: the hour per model (`hour_model`) and the
 * whole hour (`hour_all`), holding the group figures and their summary, computed once here.
 * A 30-day series then parses 720 small JSON objects, however many records the hours hold,
 * instead of merging one row per model × operation × project × hour.
 */
const SERIES_GRAINS = ['hour_model', 'hour_all'] as const;

function seriesRowsOf(parts: BuiltPart[], start: number): RollupRow[] {
  const byModel = new Map<string, RollupAggregate>();
  const all = new RollupAggregate();
  for (const part of parts) {
    let model = byModel.get(part.model);
    if (model === undefined) byModel.set(part.model, (model = new RollupAggregate()));
    part.figures.mergeAllInto(model.all);
    part.figures.mergeAllInto(all.all);
  }
  // Not an inference operation: '' marks a row that spans every operation and project.
  const row = (grain: (typeof SERIES_GRAINS)[number], model: string, figures: RollupAggregate): RollupRow => ({
    grain,
    start,
    model,
    operation: '' as Operation,
    project: null,
    data: encodeRollup(figures),
    json: JSON.stringify(figures.all.summary()),
  });
  if (parts.length === 0) return [];
  return [...[...byModel].map(([model, figures]) => row('hour_model', model, figures)), row('hour_all', '', all)];
}

/** A period's Prometheus families (they need every record's exact value, so they are kept apart from the sketches). */
function metricsRow(grain: RollupGrain, start: number, metrics: MetricsAccumulator): RollupRow {
  return {
    grain: `${grain}_metrics`,
    start,
    model: '',
    operation: '' as Operation,
    project: null,
    data: new Uint8Array(0),
    json: JSON.stringify(metrics.state()),
  };
}

/** Per grain a plan uses: the start range to query (one indexed range scan) and the starts to keep from it. */
function rangesOf(
  plan: RollupPlan,
): Array<{ grain: RollupGrain; from: number; to: number; only: ReadonlySet<number> }> {
  const chosen = [
    ['month', plan.months],
    ['day', plan.days],
    ['hour', plan.hours],
  ] as const;
  return chosen
    .filter(([, starts]) => starts.length > 0)
    .map(([grain, starts]) => ({
      grain,
      from: starts[0] as number,
      to: (starts[starts.length - 1] as number) + 1,
      only: new Set(starts),
    }));
}

const COUNTED: Record<RollupGrain, keyof BuildResult> = { hour: 'hours', day: 'days', month: 'months' };

// SQLite/PostgreSQL return a Buffer (a Uint8Array), D1 an ArrayBuffer or an array of bytes.
function bytesOf(data: Uint8Array | ArrayBuffer | number[]): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data);
}

/** Rollup maintenance and planning over one store's database. */
export class Rollups {
  constructor(private readonly host: RollupHost) {}

  /**
   * The statements that mark the hours and days of `records` as changed: run them in the
   * transaction that inserts the records.
   */
  markChanged(records: Iterable<RequestMetric>): CompiledQuery[] {
    const periods = new Map<
      string,
      { id: string; grain: RollupGrain; start: number; version: number; built_version: number }
    >();
    const hours = new Set<number>();
    for (const record of records) hours.add(periodStartOf(record.ts, 'hour'));
    // Per hour, not per record: a batch spans a few hours, and each hour lies in one day and month.
    for (const hour of hours) {
      for (const grain of GRAINS) {
        const start = periodStartOf(hour, grain);
        const id = periodId(grain, start);
        if (!periods.has(id)) periods.set(id, { id, grain, start, version: 1, built_version: 0 });
      }
    }
    // One order for every writer: two PostgreSQL transactions that lock the same period rows
    // in different orders (records come in any order) could each wait for the other.
    return this.bumpVersions([...periods.values()].sort(byId));
  }

  private bumpVersions(
    rows: Array<{ id: string; grain: RollupGrain; start: number; version: number; built_version: number }>,
  ): CompiledQuery[] {
    const perStatement = Math.max(1, Math.floor(this.host.maxParams / 5));
    const queries: CompiledQuery[] = [];
    for (let i = 0; i < rows.length; i += perStatement) {
      queries.push(
        this.host.db
          .insertInto('rollup_periods')
          .values(rows.slice(i, i + perStatement))
          .onConflict((oc) => oc.column('id').doUpdateSet({ version: sql`rollup_periods.version + 1` }))
          .compile(),
      );
    }
    return queries;
  }

  /**
   * Marks every hour and day that holds records as changed (after a bulk load that bypassed
   * the store); months follow as their days are rebuilt.
   */
  async markAll(): Promise<void> {
    for (const grain of ['hour', 'day'] as const) {
      const ms = grain === 'hour' ? HOUR_MS : DAY_MS;
      await sql`insert into rollup_periods (id, grain, start, version, built_version)
        select distinct ${grain} || ':' || ((ts / ${sql.lit(ms)}) * ${sql.lit(ms)}), ${grain}, (ts / ${sql.lit(ms)}) * ${sql.lit(ms)}, 1, 0
        from request_metrics where true
        on conflict (id) do update set version = rollup_periods.version + 1`.execute(this.host.db);
    }
  }

  /**
   * Rebuilds up to `limit` closed periods per grain (ended before `now`) whose rollups are
   * out of date: hours first, then the days whose hours are all clean, then the months
   * whose days are. Safe to run anywhere, any number of times, concurrently.
   */
  async build(now: number, limit = 200): Promise<BuildResult> {
    const result: BuildResult = { hours: 0, days: 0, months: 0 };
    for (const grain of GRAINS) {
      const dirty = await this.host.db
        .selectFrom('rollup_periods')
        .select(['start', 'version'])
        .where('grain', '=', grain)
        .where((eb) => eb('built_version', '<>', eb.ref('version')))
        .where('start', '<=', now - HOUR_MS)
        .orderBy('start')
        .limit(limit)
        .execute();
      for (const period of dirty) {
        const start = Number(period.start);
        if (periodEndOf(start, grain) > now) continue;
        const version = Number(period.version);
        const built =
          grain === 'hour' ? await this.buildHour(start, version) : await this.buildFromFiner(grain, start, version);
        if (built) result[COUNTED[grain]]++;
      }
    }
    return result;
  }

  private async buildHour(start: number, version: number): Promise<boolean> {
    const records = await this.host.records({ from: start, to: start + HOUR_MS });
    const parts = partsOfRecords(records);
    const metrics = new MetricsAccumulator();
    for (const record of records) metrics.add(record);
    await this.replace('hour', start, version, parts, [
      ...seriesRowsOf(parts, start),
      metricsRow('hour', start, metrics),
    ]);
    return true;
  }

  /** A day from its hours, a month from its days — once every one of them is clean. */
  private async buildFromFiner(grain: 'day' | 'month', start: number, version: number): Promise<boolean> {
    const finer = FINER[grain];
    const end = periodEndOf(start, grain);
    const pending = await this.host.db
      .selectFrom('rollup_periods')
      .select('id')
      .where('grain', '=', finer)
      .where('start', '>=', start)
      .where('start', '<', end)
      .where((eb) => eb('built_version', '<>', eb.ref('version')))
      .limit(1)
      .execute();
    if (pending.length > 0) return false;
    const merged = new Map<string, BuiltPart>();
    for (const part of await this.parts(finer, start, end, {})) {
      const key = JSON.stringify([part.model, part.operation, part.project]);
      let into = merged.get(key);
      if (into === undefined) merged.set(key, (into = { ...part, start, figures: new RollupAggregate() }));
      decodeRollupInto(part.figures as Uint8Array, into.figures);
    }
    const metrics = new MetricsAccumulator();
    await this.addMetricsStates(metrics, finer, start, end);
    await this.replace(grain, start, version, [...merged.values()], [metricsRow(grain, start, metrics)]);
    return true;
  }

  private async replace(
    grain: RollupGrain,
    start: number,
    version: number,
    parts: BuiltPart[],
    extra: RollupRow[],
  ): Promise<void> {
    const db = this.host.db;
    const grains: Array<MetricRollupTable['grain']> =
      grain === 'hour' ? ['hour', ...SERIES_GRAINS, 'hour_metrics'] : [grain, `${grain}_metrics`];
    const queries: CompiledQuery[] = [
      db.deleteFrom('metric_rollups').where('grain', 'in', grains).where('start', '=', start).compile(),
    ];
    const rows: RollupRow[] = [
      ...parts.map((part) => ({
        grain,
        start,
        model: part.model,
        operation: part.operation,
        project: part.project,
        data: encodeRollup(part.figures),
        json: null,
      })),
      ...extra,
    ];
    const perStatement = Math.max(1, Math.floor(this.host.maxParams / METRIC_ROLLUP_COLUMNS.length));
    for (let i = 0; i < rows.length; i += perStatement)
      queries.push(
        db
          .insertInto('metric_rollups')
          .values(rows.slice(i, i + perStatement))
          .compile(),
      );
    queries.push(
      db
        .updateTable('rollup_periods')
        .set({ built_version: version })
        .where('id', '=', periodId(grain, start))
        .compile(),
    );
    // A rebuilt day changes its month (this is how months of records loaded in bulk get marked).
    if (grain === 'day') {
      const month = periodStartOf(start, 'month');
      queries.push(
        ...this.bumpVersions([
          { id: periodId('month', month), grain: 'month', start: month, version: 1, built_version: 0 },
        ]),
      );
    }
    await this.host.runAtomically(queries);
  }

  /**
   * Which months, days and hours of the window `filter` names can be served from rollups,
   * and which ranges must be read from records. `hourly`: hours only (a series by hour).
   */
  async plan(filter: StatsFilter, hourly: boolean): Promise<RollupPlan> {
    const from = filter.from ?? Number.NEGATIVE_INFINITY;
    const to = filter.to ?? Number.POSITIVE_INFINITY;
    let query = this.host.db
      .selectFrom('rollup_periods')
      .select(['grain', 'start'])
      .where((eb) => eb('built_version', '=', eb.ref('version')));
    if (hourly) query = query.where('grain', '=', 'hour');
    // A month that starts up to 31 days before `from` may still end inside the window: read it, drop it below.
    if (filter.from !== undefined) query = query.where('start', '>=', filter.from - 31 * DAY_MS);
    if (filter.to !== undefined) query = query.where('start', '<', filter.to);
    const clean = await query.orderBy('start').execute();

    // Longest periods first; a shorter one is used only where no longer one already covers it.
    const covered: Array<readonly [number, number]> = [];
    const isCovered = (start: number) => covered.some(([a, b]) => start >= a && start < b);
    const chosen: Record<RollupGrain, number[]> = { hour: [], day: [], month: [] };
    for (const grain of ['month', 'day', 'hour'] as const) {
      for (const period of clean) {
        if (period.grain !== grain) continue;
        const start = Number(period.start);
        const end = periodEndOf(start, grain);
        if (start < from || end > to || isCovered(start)) continue;
        chosen[grain].push(start);
        covered.push([start, end]);
      }
    }
    covered.sort((a, b) => a[0] - b[0]);
    const raw: RawRange[] = [];
    let cursor: number | undefined = filter.from;
    for (const [start, end] of covered) {
      if (cursor === undefined || cursor < start) raw.push([cursor, start]);
      cursor = end;
    }
    if (covered.length === 0 || cursor === undefined || filter.to === undefined || cursor < filter.to)
      raw.push([cursor, filter.to]);
    return { months: chosen.month, days: chosen.day, hours: chosen.hour, raw };
  }

  /** The rollup parts (as blobs) of `grain` with starts in [from, to) matching the filter's model, operation and project. */
  async parts(
    grain: RollupGrain,
    from: number,
    to: number,
    filter: StatsFilter,
    only?: ReadonlySet<number>,
  ): Promise<RollupPart[]> {
    let query = this.host.db
      .selectFrom('metric_rollups')
      .selectAll()
      .where('grain', '=', grain)
      .where('start', '>=', from)
      .where('start', '<', to);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
    if (filter.project === NO_PROJECT) query = query.where('project', 'is', null);
    else if (filter.project !== undefined) query = query.where('project', '=', filter.project);
    const rows: Selectable<MetricRollupTable>[] = await query.execute();
    const parts: RollupPart[] = [];
    for (const row of rows) {
      const start = Number(row.start);
      if (only !== undefined && !only.has(start)) continue;
      parts.push({
        start,
        model: row.model,
        operation: row.operation,
        project: row.project,
        figures: bytesOf(row.data),
      });
    }
    return parts;
  }

  /**
   * The hour parts of an hourly series over the window `filter` names: the stored summaries
   * of clean hours (per model, or all models) plus parts from the records of the rest. `null`
   * when the filter names an operation or project (series rows span all of them).
   */
  async seriesParts(filter: StatsFilter): Promise<HourPart[] | null> {
    if (filter.operation !== undefined || filter.project !== undefined) return null;
    const plan = await this.plan(filter, true);
    const parts: HourPart[] = [];
    if (plan.hours.length > 0) {
      const first = plan.hours[0] as number;
      const last = plan.hours[plan.hours.length - 1] as number;
      const only = new Set(plan.hours);
      let query = this.host.db
        .selectFrom('metric_rollups')
        .select(['start', 'json'])
        .where('grain', '=', filter.model === undefined ? 'hour_all' : 'hour_model')
        .where('start', '>=', first)
        .where('start', '<=', last);
      if (filter.model !== undefined) query = query.where('model', '=', filter.model);
      for (const row of await query.execute()) {
        const start = Number(row.start);
        if (only.has(start) && row.json !== null) parts.push({ start, summaryJson: row.json });
      }
    }
    for (const [from, to] of plan.raw) parts.push(...partsOfRecords(await this.host.records({ ...filter, from, to })));
    return parts;
  }

  /** Adds the stored Prometheus states of `grain` periods starting in [from, to) (all, or those in `only`). */
  private async addMetricsStates(
    into: MetricsAccumulator,
    grain: RollupGrain,
    from: number,
    to: number,
    only?: ReadonlySet<number>,
  ): Promise<void> {
    const rows = await this.host.db
      .selectFrom('metric_rollups')
      .select(['start', 'json'])
      .where('grain', '=', `${grain}_metrics`)
      .where('start', '>=', from)
      .where('start', '<', to)
      .execute();
    for (const row of rows)
      if (only === undefined || only.has(Number(row.start))) {
        const state = parseMetricsState(row.json);
        if (state !== null) into.addState(state);
      }
  }

  /**
   * The Prometheus families over every record: the stored states of clean months, days and
   * hours, plus the records of everything else — exact, like reading every record.
   */
  async metrics(): Promise<MetricsAccumulator> {
    const plan = await this.plan({}, false);
    const metrics = new MetricsAccumulator();
    for (const { grain, from, to, only } of rangesOf(plan)) await this.addMetricsStates(metrics, grain, from, to, only);
    for (const [from, to] of plan.raw) for (const record of await this.host.records({ from, to })) metrics.add(record);
    return metrics;
  }

  /** The parts a plan serves from rollups. */
  async partsOf(plan: RollupPlan, filter: StatsFilter): Promise<RollupPart[]> {
    const parts: RollupPart[] = [];
    for (const { grain, from, to, only } of rangesOf(plan))
      parts.push(...(await this.parts(grain, from, to, filter, only)));
    return parts;
  }
}
