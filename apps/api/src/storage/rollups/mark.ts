/**
 * Marking periods as changed: every insert bumps the `version` of the hours, days and months
 * its records fall in (in its own transaction); a period whose stored rows a reader cannot
 * read gets its `built_version` reset. Either way the builder rebuilds it, and until then
 * readers take its figures from the records.
 */
import { HOUR_MS, type RequestMetric } from '@ollama-perf/core';
import { type CompiledQuery, sql } from 'kysely';
import { byId } from '../rows.js';
import type { RollupHost } from './host.js';
import { DAY_MS, GRAINS, type PeriodRow, periodId, periodStartOf } from './periods.js';

/**
 * The statements that insert `rows` into `rollup_periods`, or bump the version of those
 * already there; `returning`: each answers the rows' `id`, `version` and `built_version` after it.
 */
export function bumpVersions(host: RollupHost, rows: PeriodRow[], returning = false): CompiledQuery[] {
  const perStatement = Math.max(1, Math.floor(host.maxParams / 5));
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const upsert = host.db
      .insertInto('rollup_periods')
      .values(rows.slice(i, i + perStatement))
      .onConflict((oc) => oc.column('id').doUpdateSet({ version: sql`rollup_periods.version + 1` }));
    queries.push(returning ? upsert.returning(['id', 'version', 'built_version']).compile() : upsert.compile());
  }
  return queries;
}

/**
 * The hours, days and months that hold `hours` (period starts), as new `rollup_periods` rows,
 * in id order: one order for every writer, since two PostgreSQL transactions that lock the
 * same period rows in different orders (records come in any order) could each wait for the other.
 */
export function periodRowsOfHours(hours: Iterable<number>): PeriodRow[] {
  const periods = new Map<string, PeriodRow>();
  for (const hour of hours) {
    for (const grain of GRAINS) {
      const start = periodStartOf(hour, grain);
      const id = periodId(grain, start);
      if (!periods.has(id)) periods.set(id, { id, grain, start, version: 1, built_version: 0 });
    }
  }
  return [...periods.values()].sort(byId);
}

/** The starts of the hours `records` fall in. */
export function hoursOf(records: Iterable<RequestMetric>): Set<number> {
  const hours = new Set<number>();
  for (const record of records) hours.add(periodStartOf(record.ts, 'hour'));
  return hours;
}

/**
 * The statements that mark the hours, days and months of `records` as changed: run them in
 * the transaction that inserts the records.
 */
export function markChangedQueries(host: RollupHost, records: Iterable<RequestMetric>): CompiledQuery[] {
  // Per hour, not per record: a batch spans a few hours, and each hour lies in one day and month.
  return bumpVersions(host, periodRowsOfHours(hoursOf(records)));
}

/**
 * Marks every hour and day that holds records as changed (after a bulk load that bypassed
 * the store); months follow as their days are rebuilt.
 */
export async function markAll(host: RollupHost): Promise<void> {
  for (const grain of ['hour', 'day'] as const) {
    const ms = sql.lit(grain === 'hour' ? HOUR_MS : DAY_MS);
    await sql`insert into rollup_periods (id, grain, start, version, built_version)
        select distinct ${grain} || ':' || ((ts / ${ms}) * ${ms}), ${grain}, (ts / ${ms}) * ${ms}, 1, 0
        from request_metrics where true
        on conflict (id) do update set version = rollup_periods.version + 1`.execute(host.db);
  }
}

/**
 * Marks periods as not built (their stored rows are of another format version): the builder
 * rebuilds them, in the current version. A build that lands meanwhile is harmless: the
 * period is then built once more. The version is bumped too, so that a clean period's rows
 * change only with its version: the rebuilt rows (whose sums may differ in their last digits)
 * are never taken for the ones a reader cached (./hour-of-day-cache.ts).
 */
export async function markNotBuilt(host: RollupHost, ids: Iterable<string>): Promise<void> {
  const sorted = [...ids].sort();
  const perStatement = Math.max(1, host.maxParams - 1);
  for (let i = 0; i < sorted.length; i += perStatement)
    await host.db
      .updateTable('rollup_periods')
      .set({ built_version: 0, version: sql`version + 1` })
      .where('id', 'in', sorted.slice(i, i + perStatement))
      .execute();
}
