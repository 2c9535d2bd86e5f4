/**
 * Building rollups: periods whose rollups are older than their version are rebuilt — hours
 * (open ones too) from their records, closed days from their hours, closed months from their days — in the current
 * format versions, with the version built recorded atomically with the rows. Safe to run
 * anywhere, any number of times, concurrently.
 */
import { HOUR_MS } from '@ollama-perf/core';
import { type BuiltPart, decodeRollupInto, partsOfRecords, RollupAggregate } from '@ollama-perf/core/rollup';
import type { CompiledQuery } from 'kysely';
import { MetricsAccumulator } from '../../metrics/accumulator.js';
import type { RollupGrain } from '../schema.js';
import type { RollupHost, StalePeriods } from './host.js';
import { bumpVersions, markNotBuilt } from './mark.js';
import { FINER, GRAINS, periodEndOf, periodId, periodStartOf } from './periods.js';
import { readMetricsStates, readParts } from './read.js';
import {
  HOUR_ROW_GRAINS,
  insertRowsQueries,
  metricsRow,
  partRow,
  type RollupRow,
  seriesFiguresOf,
  seriesRowsOf,
} from './rollup-rows.js';

/** What one build did: periods rebuilt per grain. */
export interface BuildResult {
  hours: number;
  days: number;
  months: number;
}

const COUNTED: Record<RollupGrain, keyof BuildResult> = { hour: 'hours', day: 'days', month: 'months' };

// A day whose hours turn out stale marks them, and the next pass rebuilds them and then the
// day; a month may wait on such a day: three passes see a chain hour → day → month through.
const PASSES = 3;

async function replace(
  host: RollupHost,
  period: { grain: RollupGrain; start: number; version: number },
  parts: BuiltPart[],
  extra: RollupRow[],
): Promise<void> {
  const { grain, start, version } = period;
  const db = host.db;
  const grains = grain === 'hour' ? HOUR_ROW_GRAINS : [grain, `${grain}_metrics` as const];
  const queries: CompiledQuery[] = [
    // First: the period's row is then locked (PostgreSQL) before any rollup row, in the order
    // every writer takes them, so a build and an insert writing through never wait on each other.
    db.updateTable('rollup_periods').set({ built_version: version }).where('id', '=', periodId(grain, start)).compile(),
    db.deleteFrom('metric_rollups').where('grain', 'in', grains).where('start', '=', start).compile(),
    ...insertRowsQueries(host, [...parts.map((part) => partRow(grain, start, part)), ...extra]),
  ];
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
    ...(parts.length === 0 ? [] : seriesRowsOf(start, seriesFiguresOf(parts))),
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
 * Rebuilds up to `limit` periods per grain whose rollups are out of date: hours that have
 * begun by `now` first, then the days that have ended whose hours are all clean, then the
 * months that have ended whose days are.
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
        // An hour may still be open: inserts keep it current from then on (./write-through.ts).
        // A day or month is built once it is over; until then it is served by its clean hours and days.
        .where('start', '<=', grain === 'hour' ? now : now - HOUR_MS)
        .orderBy('start')
        .limit(limit)
        .execute();
      for (const row of dirty) {
        const start = Number(row.start);
        if (grain !== 'hour' && periodEndOf(start, grain) > now) continue;
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
