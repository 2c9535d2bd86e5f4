/** Records ↔ rows: the only conversions storage needs (booleans and BIGINTs differ by backend). */
import type { RequestMetric } from '@ollama-perf/core';
import { CompiledQuery, type Insertable, type Selectable } from 'kysely';
import { REQUEST_METRIC_COLUMNS, type RequestMetricTable } from './schema.js';

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

/** Orders rows by id: writers that lock rows in one order cannot deadlock each other. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const COLUMN_NAMES = REQUEST_METRIC_COLUMNS.map((c) => c.name);
const COLUMN_LIST = COLUMN_NAMES.map((name) => `"${name}"`).join(', ');
const QUESTION_MARKS = `(${COLUMN_NAMES.map(() => '?').join(', ')})`;

/**
 * The INSERT of `records` that skips known ids, written directly rather than through
 * Kysely's builder: it runs for every ingested batch, and building a 25,000-parameter
 * statement node by node cost more than SQLite's own work. Placeholders are `?` (SQLite,
 * D1) or `$n` (PostgreSQL); a batch of the same size gives the same text, so a prepared
 * statement is reused.
 */
export function insertRecordsQuery(records: readonly RequestMetric[], dialect: 'sqlite' | 'postgres'): CompiledQuery {
  const numericBooleans = dialect === 'sqlite';
  const parameters: unknown[] = [];
  const groups: string[] = [];
  for (const record of records) {
    const row = toRow(record, numericBooleans) as Record<string, unknown>;
    const first = parameters.length;
    for (const name of COLUMN_NAMES) parameters.push(row[name]);
    groups.push(dialect === 'sqlite' ? QUESTION_MARKS : `(${COLUMN_NAMES.map((_, i) => `$${first + i + 1}`).join(', ')})`);
  }
  return CompiledQuery.raw(`insert into "request_metrics" (${COLUMN_LIST}) values ${groups.join(', ')} on conflict ("id") do nothing`, parameters);
}
