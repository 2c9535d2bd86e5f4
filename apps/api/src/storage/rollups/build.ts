/**
 * Building rollups: closed periods whose rollups are older than their version are rebuilt —
 * hours from their records, days from their hours, months from their days — in the current
 * format versions, with the version built recorded atomically with the rows. Safe to run
 * anywhere, any number of times, concurrently.
 */
import { HOUR_MS, type Operation } from '@ollama-perf/core';
import {
  type BuiltPart,
  decodeRollupInto,
  encodeRollup,
  partsOfRecords,
  RollupAggregate,
} from '@ollama-perf/core/rollup';
import type { CompiledQuery, Insertable } from 'kysely';
import { MetricsAccumulator } from '../../metrics/accumulator.js';
import { METRIC_ROLLUP_COLUMNS, type MetricRollupTable, type RollupGrain } from '../schema.js';
import type { RollupHost, StalePeriods } from './host.js';
import { bumpVersions, markNotBuilt } from './mark.js';
import { FINER, GRAINS, periodEndOf, periodId, periodStartOf } from './periods.js';
import { readMetricsStates, readParts } from './read.js';
import { storedSummaryOf } from './stored-formats.js';

/** What one build did: periods rebuilt per grain. */
export interface BuildResult {
  hours: number;
  days: number;
  months: number;
}

type RollupRow = Insertable<MetricRollupTable>;

/**
 * Extra rows of each hour for the hourly series: the hour per model (`hour_model`) and the
 * whole hour (`hour_all`), holding the group figures and their summary, computed once here.
 * A 30-day series then parses 720 small JSON objects, however many records the hours hold,
 * instead of merging one row per model × operation × project × hour.
 */
const SERIES_GRAINS = ['hour_model', 'hour_all'] as const;

const COUNTED: Record<RollupGrain, keyof BuildResult> = { hour: 'hours', day: 'days', month: 'months' };

// A day whose hours turn out stale marks them, and the next pass rebuilds them and then the
// day; a month may wait on such a day: three passes see a chain hour → day → month through.
const PASSES = 3;

function seriesRowsOf(parts: BuiltPart[], start: number): RollupRow[] {
  if (parts.length === 0) return [];
  const byModel = new Map<string, RollupAggregate>();
  const all = new RollupAggregate();
  for (const part of parts) {
    let model = byModel.get(part.model);
    if (model === undefined) {
      model = new RollupAggregate();
      byModel.set(part.model, model);
    }
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
    json: storedSummaryOf(figures.all.summary()),
  });
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

async function replace(
  host: RollupHost,
  period: { grain: RollupGrain; start: number; version: number },
  parts: BuiltPart[],
  extra: RollupRow[],
): Promise<void> {
  const { grain, start, version } = period;
  const db = host.db;
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
  const perStatement = Math.max(1, Math.floor(host.maxParams / METRIC_ROLLUP_COLUMNS.length));
  for (let i = 0; i < rows.length; i += perStatement)
    queries.push(
      db
        .insertInto('metric_rollups')
        .values(rows.slice(i, i + perStatement))
        .compile(),
    );
  queries.push(
    db.updateTable('rollup_periods').set({ built_version: version }).where('id', '=', periodId(grain, start)).compile(),
  );
  // A rebuilt day changes its month (this is how months of records loaded in bulk get marked).
  if (grain === 'day') {
    const month = periodStartOf(start, 'month');
    queries.push(
      ...bumpVersions(host, [
        { id: periodId('month', month), grain: 'month', start: month, version: 1, built_version: 0 },
      ]),
    );
  }
  await host.runAtomically(queries);
}

async function buildHour(host: RollupHost, start: number, version: number): Promise<boolean> {
  const records = await host.records({ from: start, to: start + HOUR_MS });
  const parts = partsOfRecords(records);
  const metrics = new MetricsAccumulator();
  for (const record of records) metrics.add(record);
  await replace(host, { grain: 'hour', start, version }, parts, [
    ...seriesRowsOf(parts, start),
    metricsRow('hour', start, metrics),
  ]);
  return true;
}

/**
 * A day from its hours, a month from its days — once every one of them is clean and of the
 * current formats (finer periods found stale are added to `stale`, and this one waits).
 */
async function buildFromFiner(
  host: RollupHost,
  period: { grain: 'day' | 'month'; start: number; version: number },
  stale: StalePeriods,
): Promise<boolean> {
  const { grain, start } = period;
  const finer = FINER[grain];
  const end = periodEndOf(start, grain);
  const pending = await host.db
    .selectFrom('rollup_periods')
    .select('id')
    .where('grain', '=', finer)
    .where('start', '>=', start)
    .where('start', '<', end)
    .where((eb) => eb('built_version', '<>', eb.ref('version')))
    .limit(1)
    .execute();
  if (pending.length > 0) return false;
  const range = { grain: finer, from: start, to: end };
  const found = new Set<string>();
  const parts = await readParts(host.db, range, {}, found);
  const metrics = new MetricsAccumulator();
  await readMetricsStates(host.db, metrics, range, found);
  if (found.size > 0) {
    for (const id of found) stale.add(id);
    return false;
  }
  const merged = new Map<string, BuiltPart>();
  for (const part of parts) {
    const key = JSON.stringify([part.model, part.operation, part.project]);
    let into = merged.get(key);
    if (into === undefined) {
      into = { ...part, start, figures: new RollupAggregate() };
      merged.set(key, into);
    }
    decodeRollupInto(part.figures as Uint8Array, into.figures);
  }
  await replace(host, period, [...merged.values()], [metricsRow(grain, start, metrics)]);
  return true;
}

/**
 * Rebuilds up to `limit` closed periods per grain (ended before `now`) whose rollups are
 * out of date: hours first, then the days whose hours are all clean, then the months
 * whose days are.
 */
export async function buildRollups(host: RollupHost, now: number, limit: number): Promise<BuildResult> {
  const result: BuildResult = { hours: 0, days: 0, months: 0 };
  for (let pass = 0; pass < PASSES; pass++) {
    const stale: StalePeriods = new Set();
    for (const grain of GRAINS) {
      const dirty = await host.db
        .selectFrom('rollup_periods')
        .select(['start', 'version'])
        .where('grain', '=', grain)
        .where((eb) => eb('built_version', '<>', eb.ref('version')))
        .where('start', '<=', now - HOUR_MS)
        .orderBy('start')
        .limit(limit)
        .execute();
      for (const row of dirty) {
        const start = Number(row.start);
        if (periodEndOf(start, grain) > now) continue;
        const version = Number(row.version);
        const built =
          grain === 'hour'
            ? await buildHour(host, start, version)
            : await buildFromFiner(host, { grain, start, version }, stale);
        if (built) result[COUNTED[grain]]++;
      }
    }
    if (stale.size === 0) break;
    await markNotBuilt(host, stale);
  }
  return result;
}
