/** Records ↔ rows: the conversions every backend shares (booleans and BIGINTs come back in several forms). */
import type { RequestMetric } from '@ollama-perf/core';
import type { Selectable } from 'kysely';
import { REQUEST_METRIC_COLUMNS, type RequestMetricTable } from './schema.js';

/** A row read back as a record. */
export function fromRow(row: Selectable<RequestMetricTable>): RequestMetric {
  return {
    ...row,
    ts: Number(row.ts),
    stream: row.stream === true || row.stream === 1,
    success: row.success === true || row.success === 1,
    cold_start: row.cold_start === null ? null : row.cold_start === true || row.cold_start === 1,
    prompt_eval_count: row.prompt_eval_count === null ? null : Number(row.prompt_eval_count),
    eval_count: row.eval_count === null ? null : Number(row.eval_count),
    concurrency: row.concurrency === null ? null : Number(row.concurrency),
    output_chunks: row.output_chunks === null ? null : Number(row.output_chunks),
  };
}

/** Orders rows by id: writers that lock rows in one order cannot deadlock each other. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The record fields, in column order: what every backend's INSERT binds. */
export const COLUMN_NAMES = REQUEST_METRIC_COLUMNS.map((c) => c.name);

/** The quoted column list of an INSERT into `request_metrics`. */
export const COLUMN_LIST = COLUMN_NAMES.map((name) => `"${name}"`).join(', ');
