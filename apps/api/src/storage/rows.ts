/** Records ↔ rows: the only conversions storage needs (booleans and BIGINTs differ by backend). */
import type { RequestMetric } from '@ollama-perf/core';
import type { Insertable, Selectable } from 'kysely';
import type { RequestMetricTable } from './schema.js';

/** A record as a row; SQLite and D1 store booleans as 0/1 (better-sqlite3 cannot bind booleans). */
export function toRow(record: RequestMetric, numericBooleans: boolean): Insertable<RequestMetricTable> {
  if (!numericBooleans) return record;
  return {
    ...record,
    stream: record.stream ? 1 : 0,
    success: record.success ? 1 : 0,
    cold_start: record.cold_start === null ? null : record.cold_start ? 1 : 0,
  };
}

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
  };
}
