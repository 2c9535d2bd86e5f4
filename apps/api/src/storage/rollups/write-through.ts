/**
 * Inserting records with their hours' rollups kept current. In the one transaction that
 * inserts a batch, each hour it touches whose rollups were up to date (or that held no
 * records yet) gets the batch's figures merged into its stored rows — the parts of the
 * model × operation × project keys the batch touches, the series rows of its models and of
 * the whole hour, the Prometheus families — and stays clean. So the open hour, and every
 * hour an import fills, are served from rollups as soon as they are written: `/stats` never
 * falls back to reading an hour's records because records keep arriving in it.
 *
 * Anything this cannot merge exactly is left dirty for the builder, as before: a batch
 * holding ids already stored (which of its records landed is not known), an hour already
 * out of date, a stored row of another format version. So is an hour the batch holds few
 * records of, unless it is at the batch's newest edge: merging rewrites the hour's touched
 * rows (tens of KB) for each batch, and a batch spread thinly over days would write more
 * rollup than records — the builder reads such an hour once instead.
 */
import { HOUR_MS, type RequestMetric } from '@ollama-perf/core';
import { type BuiltPart, decodeRollupInto, partsOfRecords } from '@ollama-perf/core/rollup';
import type { CompiledQuery, Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import { MetricsAccumulator } from '../../metrics/accumulator.js';
import { parseMetricsState } from '../../metrics/state.js';
import type { Database, MetricRollupTable } from '../schema.js';
import type { StatementResult, TransactionScript } from '../transaction-script.js';
import type { RollupHost } from './host.js';
import { bumpVersions, periodRowsOfHours } from './mark.js';
import { periodId, periodStartOf } from './periods.js';
import {
  HOUR_ROW_GRAINS,
  insertRowsQueries,
  metricsRow,
  partRow,
  type SeriesFigures,
  seriesFiguresOf,
  seriesRowsOf,
} from './rollup-rows.js';
import { currentBlobOf } from './stored-formats.js';

type Step<T> = Generator<CompiledQuery, T, StatementResult>;
type Where = (eb: ExpressionBuilder<Database, 'metric_rollups'>) => Expression<SqlBool>;

/** Where an hour's rollups stand before this batch: clean, holding no records yet, or neither. */
type HourState = 'clean' | 'empty' | 'dirty';

/** Records of an hour in one batch worth merging however old the hour is. */
const MERGE_MIN_RECORDS = 100;
/**
 * The batch's newest hour and the one before are merged however few records they get: that is
 * where a live gateway's batches land (records of requests still running at the turn of the
 * hour keep arriving in the hour before, a few at a time).
 */
const EDGE_MS = 2 * HOUR_MS;

const keyOf = (part: Pick<BuiltPart, 'model' | 'operation' | 'project'>) =>
  JSON.stringify([part.model, part.operation, part.project]);

/**
 * The transaction that inserts `records` (the statements `inserts`), marks their periods
 * changed and writes the batch through to the rollups of every hour it can. Returns the
 * number of records inserted.
 */
export function* insertWritingThrough(
  host: RollupHost,
  records: readonly RequestMetric[],
  inserts: readonly CompiledQuery[],
): TransactionScript<number> {
  const byHour = new Map<number, RequestMetric[]>();
  for (const record of records) {
    const hour = periodStartOf(record.ts, 'hour');
    const list = byHour.get(hour);
    if (list === undefined) byHour.set(hour, [record]);
    else list.push(record);
  }
  // Marking first takes the period rows' locks (PostgreSQL) in id order before anything else.
  const versions = new Map<string, { version: number; built: number }>();
  for (const query of bumpVersions(host, periodRowsOfHours(byHour.keys()), true))
    for (const row of (yield query).rows)
      versions.set(String(row.id), { version: Number(row.version), built: Number(row.built_version) });

  const states = new Map<number, HourState>();
  for (const hour of byHour.keys()) states.set(hour, yield* stateOf(host, hour, versions.get(periodId('hour', hour))));

  let inserted = 0;
  for (const query of inserts) inserted += (yield query).changes;
  if (inserted !== records.length) return inserted;

  const edge = Math.max(...byHour.keys()) + HOUR_MS - EDGE_MS;
  for (const [hour, recordsOfHour] of byHour) {
    const state = states.get(hour);
    const version = versions.get(periodId('hour', hour))?.version;
    if (state === 'dirty' || version === undefined) continue;
    if (recordsOfHour.length < MERGE_MIN_RECORDS && hour < edge) continue;
    yield* mergeIntoHour(host, { hour, version, fresh: state === 'empty' }, recordsOfHour);
  }
  return inserted;
}

/** Whether an hour's rollups were current before this batch bumped its version (to `after`). */
function* stateOf(
  host: RollupHost,
  hour: number,
  after: { version: number; built: number } | undefined,
): Step<HourState> {
  if (after === undefined) return 'dirty';
  if (after.version > 1) return after.built === after.version - 1 ? 'clean' : 'dirty';
  // Version 1: the period is new. Records may still be there, loaded in bulk before any was marked.
  const { rows } = yield host.db
    .selectFrom('request_metrics')
    .select('id')
    .where('ts', '>=', hour)
    .where('ts', '<', hour + HOUR_MS)
    .limit(1)
    .compile();
  return rows.length === 0 ? 'empty' : 'dirty';
}

/** The stored rows of `hour` that the batch's parts change: their keys' parts, their models' series rows, the hour's own. */
function touchedRows(hour: number, parts: readonly BuiltPart[]): Where {
  const models = [...new Set(parts.map((part) => part.model))];
  return (eb) =>
    eb.and([
      eb('start', '=', hour),
      eb.or([
        eb.and([
          eb('grain', '=', 'hour'),
          eb.or(
            parts.map((part) =>
              eb.and([
                eb('model', '=', part.model),
                eb('operation', '=', part.operation),
                part.project === null ? eb('project', 'is', null) : eb('project', '=', part.project),
              ]),
            ),
          ),
        ]),
        eb.and([eb('grain', '=', 'hour_model'), eb('model', 'in', models)]),
        eb('grain', 'in', ['hour_all', 'hour_metrics']),
      ]),
    ]);
}

/**
 * Merges the batch's records of one hour into its stored rows and marks it built at
 * `version`; leaves it dirty (does nothing) when a stored row cannot be read.
 */
function* mergeIntoHour(
  host: RollupHost,
  target: { hour: number; version: number; fresh: boolean },
  records: readonly RequestMetric[],
): Step<void> {
  const { hour, version, fresh } = target;
  const parts = partsOfRecords(records);
  const byKey = new Map(parts.map((part) => [keyOf(part), part]));
  const series = seriesFiguresOf(parts);
  const metrics = new MetricsAccumulator();
  for (const record of records) metrics.add(record);

  // A fresh hour holds no records: any rows it has are left over, and all of them go.
  const where: Where = fresh
    ? (eb) => eb.and([eb('start', '=', hour), eb('grain', 'in', HOUR_ROW_GRAINS)])
    : touchedRows(hour, parts);
  if (!fresh) {
    const { rows } = yield host.db.selectFrom('metric_rollups').selectAll().where(where).compile();
    if (!mergeStored(rows as Array<Selectable<MetricRollupTable>>, { byKey, series, metrics })) return;
  }
  yield host.db
    .updateTable('rollup_periods')
    .set({ built_version: version })
    .where('id', '=', periodId('hour', hour))
    .compile();
  yield host.db.deleteFrom('metric_rollups').where(where).compile();
  const rows = [
    ...parts.map((part) => partRow('hour', hour, part)),
    ...seriesRowsOf(hour, series),
    metricsRow('hour', hour, metrics),
  ];
  for (const query of insertRowsQueries(host, rows)) yield query;
}

/**
 * Adds the stored rows into the batch's figures; `false` when one is of another format
 * version, or the hour's Prometheus families are missing (the hour is then left to the builder).
 */
function mergeStored(
  rows: ReadonlyArray<Selectable<MetricRollupTable>>,
  into: {
    byKey: ReadonlyMap<string, BuiltPart>;
    series: SeriesFigures;
    metrics: MetricsAccumulator;
  },
): boolean {
  let sawMetrics = false;
  for (const row of rows) {
    if (row.grain === 'hour_metrics') {
      const state = parseMetricsState(row.json);
      if (state === null || !into.metrics.addState(state)) return false;
      sawMetrics = true;
      continue;
    }
    const blob = currentBlobOf(row.data);
    if (blob === null) return false;
    const figures =
      row.grain === 'hour'
        ? into.byKey.get(keyOf(row))?.figures
        : row.grain === 'hour_model'
          ? into.series.byModel.get(row.model)
          : into.series.all;
    if (figures !== undefined) decodeRollupInto(blob, figures);
  }
  return sawMetrics;
}
