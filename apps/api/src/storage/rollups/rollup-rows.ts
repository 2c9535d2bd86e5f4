/**
 * The rows a period's rollups are stored as, in `metric_rollups`: one figures blob per
 * model × operation × project; for an hour also its series rows (per model and over all
 * models, each with its summary computed once) and, for every grain, its Prometheus
 * families. Built whole by ./build.ts, merged batch by batch by ./write-through.ts.
 */
import type { Operation } from '@ollama-perf/core';
import { type BuiltPart, encodeRollup, RollupAggregate } from '@ollama-perf/core/rollup';
import type { CompiledQuery, Insertable } from 'kysely';
import type { MetricsAccumulator } from '../../metrics/accumulator.js';
import { METRIC_ROLLUP_COLUMNS, type MetricRollupTable, type RollupGrain } from '../schema.js';
import type { RollupHost } from './host.js';
import { storedSummaryOf } from './stored-formats.js';

/** A row of `metric_rollups` to insert. */
export type RollupRow = Insertable<MetricRollupTable>;

/**
 * Extra rows of each hour for the hourly series: the hour per model (`hour_model`) and the
 * whole hour (`hour_all`), holding the group figures and their summary, computed once.
 * A 30-day series then parses 720 small JSON objects, however many records the hours hold,
 * instead of merging one row per model × operation × project × hour.
 */
export type SeriesGrain = 'hour_model' | 'hour_all';

/** Every grain of row an hour is stored as. */
export const HOUR_ROW_GRAINS: ReadonlyArray<MetricRollupTable['grain']> = [
  'hour',
  'hour_model',
  'hour_all',
  'hour_metrics',
];

/** The row of one part's figures. */
export function partRow(grain: RollupGrain, start: number, part: BuiltPart): RollupRow {
  const { model, operation, project, figures } = part;
  return { grain, start, model, operation, project, data: encodeRollup(figures), json: null };
}

/**
 * A series row: figures over every operation and project (of one model for `hour_model`, of
 * all for `hour_all`, whose model is ''), with their summary.
 */
export function seriesRow(grain: SeriesGrain, start: number, model: string, figures: RollupAggregate): RollupRow {
  // Not an inference operation: '' marks a row that spans every operation and project.
  const operation = '' as Operation;
  const json = storedSummaryOf(figures.all.summary());
  return { grain, start, model, operation, project: null, data: encodeRollup(figures), json };
}

/** The figures of an hour's series rows: per model, and over all models (each the merged `all` group of its parts). */
export interface SeriesFigures {
  byModel: Map<string, RollupAggregate>;
  all: RollupAggregate;
}

/** The series figures of `parts` (all of one hour). */
export function seriesFiguresOf(parts: readonly BuiltPart[]): SeriesFigures {
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
  return { byModel, all };
}

/** The series rows of an hour: one per model, and one over all models. */
export function seriesRowsOf(start: number, figures: SeriesFigures): RollupRow[] {
  return [
    ...[...figures.byModel].map(([model, aggregate]) => seriesRow('hour_model', start, model, aggregate)),
    seriesRow('hour_all', start, '', figures.all),
  ];
}

/** A period's Prometheus families (they need every record's exact value, so they are kept apart from the sketches). */
export function metricsRow(grain: RollupGrain, start: number, metrics: MetricsAccumulator): RollupRow {
  const json = JSON.stringify(metrics.state());
  return {
    grain: `${grain}_metrics`,
    start,
    model: '',
    operation: '' as Operation,
    project: null,
    data: new Uint8Array(0),
    json,
  };
}

/** The INSERT statements of `rows`, as many per statement as the backend's parameter limit allows. */
export function insertRowsQueries(host: RollupHost, rows: readonly RollupRow[]): CompiledQuery[] {
  const perStatement = Math.max(1, Math.floor(host.maxParams / METRIC_ROLLUP_COLUMNS.length));
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += perStatement)
    queries.push(
      host.db
        .insertInto('metric_rollups')
        .values(rows.slice(i, i + perStatement))
        .compile(),
    );
  return queries;
}
