/**
 * Reading stored rollups: the figures blobs of a grain's parts, the hour summaries of the
 * series rows and the Prometheus states. A row of another format version is not returned:
 * its period goes into the caller's {@link StalePeriods} instead.
 */
import { NO_PROJECT, type StatsFilter } from '@ollama-perf/core';
import type { HourFigures, RollupPart } from '@ollama-perf/core/rollup';
import type { Kysely, Selectable } from 'kysely';
import type { MetricsAccumulator } from '../../metrics/accumulator.js';
import { parseMetricsState } from '../../metrics/state.js';
import type { Database, MetricRollupTable } from '../schema.js';
import type { StalePeriods } from './host.js';
import { periodId } from './periods.js';
import type { PlannedRange } from './plan.js';
import { currentBlobOf, summaryJsonOf } from './stored-formats.js';

/**
 * The parts (as blobs) of `grain` with starts in [from, to) (all, or those in `only`)
 * matching the filter's model, operation and project.
 */
export async function readParts(
  db: Kysely<Database>,
  range: PlannedRange,
  filter: StatsFilter,
  stale: StalePeriods,
): Promise<RollupPart[]> {
  const { grain, from, to, only } = range;
  let query = db
    .selectFrom('metric_rollups')
    .selectAll()
    .where('grain', '=', grain)
    .where('start', '>=', from)
    .where('start', '<', to);
  if (filter.model !== undefined) query = query.where('model', '=', filter.model);
  if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
  if (filter.project === NO_PROJECT) query = query.where('project', 'is', null);
  else if (filter.project !== undefined) query = query.where('project', '=', filter.project);
  // In a fixed order: sums of floating-point figures merged in another order differ in their
  // last digits, and a period rebuilt (its rows rewritten) must answer to the digit as before.
  const rows: Selectable<MetricRollupTable>[] = await query
    .orderBy('start')
    .orderBy('model')
    .orderBy('operation')
    .orderBy('project')
    .execute();
  const parts: RollupPart[] = [];
  for (const row of rows) {
    const start = Number(row.start);
    if (only !== undefined && !only.has(start)) continue;
    const figures = currentBlobOf(row.data);
    if (figures === null) stale.add(periodId(grain, start));
    else parts.push({ start, model: row.model, operation: row.operation, project: row.project, figures });
  }
  return parts;
}

/**
 * The stored summaries (JSON text) of the hours in `hours`, per model (`model` given) or of
 * all models.
 */
export function readHourSummaries(
  db: Kysely<Database>,
  hours: readonly number[],
  model: string | undefined,
  stale: StalePeriods,
): Promise<Array<{ start: number; summaryJson: string }>> {
  return readSeriesRows(db, { hours, model, column: 'json' }, stale, (start, row) => {
    const summaryJson = summaryJsonOf(row.json ?? null);
    return summaryJson === null ? null : { start, summaryJson };
  });
}

/**
 * The figures blobs of the series rows of the hours in `hours` (one row per hour: of `model`,
 * or over all models): what `by_hour_of_day` merges.
 */
export function readHourFigures(
  db: Kysely<Database>,
  hours: readonly number[],
  model: string | undefined,
  stale: StalePeriods,
): Promise<HourFigures[]> {
  return readSeriesRows(db, { hours, model, column: 'data' }, stale, (start, row) => {
    const figures = row.data === undefined ? null : currentBlobOf(row.data);
    return figures === null ? null : { start, figures };
  });
}

/** Reads one column of the series rows of `hours`; `read` returns null for a row of another format. */
async function readSeriesRows<T>(
  db: Kysely<Database>,
  rows: { hours: readonly number[]; model: string | undefined; column: 'json' | 'data' },
  stale: StalePeriods,
  read: (start: number, row: Partial<Pick<Selectable<MetricRollupTable>, 'json' | 'data'>>) => T | null,
): Promise<T[]> {
  const { hours, model, column } = rows;
  if (hours.length === 0) return [];
  const only = new Set(hours);
  let query = db
    .selectFrom('metric_rollups')
    .select(['start', column])
    .where('grain', '=', model === undefined ? 'hour_all' : 'hour_model')
    .where('start', '>=', hours[0] as number)
    .where('start', '<=', hours[hours.length - 1] as number);
  if (model !== undefined) query = query.where('model', '=', model);
  const out: T[] = [];
  for (const row of await query.orderBy('start').execute()) {
    const start = Number(row.start);
    if (!only.has(start)) continue;
    const value = read(start, row);
    if (value === null) stale.add(periodId('hour', start));
    else out.push(value);
  }
  return out;
}

/** Adds the stored Prometheus states of `grain` periods starting in [from, to) (all, or those in `only`). */
export async function readMetricsStates(
  db: Kysely<Database>,
  into: MetricsAccumulator,
  range: PlannedRange,
  stale: StalePeriods,
): Promise<void> {
  const { grain, from, to, only } = range;
  const rows = await db
    .selectFrom('metric_rollups')
    .select(['start', 'json'])
    .where('grain', '=', `${grain}_metrics`)
    .where('start', '>=', from)
    .where('start', '<', to)
    .execute();
  for (const row of rows) {
    const start = Number(row.start);
    if (only !== undefined && !only.has(start)) continue;
    const state = parseMetricsState(row.json);
    if (state === null || !into.addState(state)) stale.add(periodId(grain, start));
  }
}
