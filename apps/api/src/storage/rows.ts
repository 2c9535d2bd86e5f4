/** Records ↔ rows: the only conversions storage needs (booleans and BIGINTs differ by backend). */
import type { RequestMetric } from '@ollama-perf/core';
import { CompiledQuery, type Selectable } from 'kysely';
import { COLUMN_TYPES } from './migrations.js';
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
 * statement node by node cost more than SQLite's own work. SQLite and D1 bind `?` per
 * value (a batch of the same size gives the same text, so a prepared statement is reused);
 * PostgreSQL gets one array per column, unnested: 25 parameters however many records,
 * which it reads in less than half the time of a row of placeholders per record (and in
 * less than JSON through `json_populate_recordset`).
 */
export function insertRecordsQuery(records: readonly RequestMetric[], dialect: 'sqlite' | 'postgres'): CompiledQuery {
  if (dialect === 'postgres') return insertRecordsUnnested(records);
  const parameters: unknown[] = [];
  const groups: string[] = [];
  for (const record of records) {
    // SQLite and D1 store booleans as 0/1 (better-sqlite3 cannot bind booleans).
    for (const name of COLUMN_NAMES) {
      const value = record[name];
      parameters.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    groups.push(QUESTION_MARKS);
  }
  return CompiledQuery.raw(
    `insert into "request_metrics" (${COLUMN_LIST}) values ${groups.join(', ')} on conflict ("id") do nothing`,
    parameters,
  );
}

const UNNEST_INSERT = `insert into "request_metrics" (${COLUMN_LIST}) select * from unnest(${REQUEST_METRIC_COLUMNS.map(
  (column, i) => `$${i + 1}::${COLUMN_TYPES.postgres[column.type]}[]`,
).join(', ')}) on conflict ("id") do nothing`;

function insertRecordsUnnested(records: readonly RequestMetric[]): CompiledQuery {
  const columns = COLUMN_NAMES.map(() => new Array<unknown>(records.length));
  for (let row = 0; row < records.length; row++) {
    const record = records[row] as RequestMetric;
    for (let column = 0; column < COLUMN_NAMES.length; column++)
      (columns[column] as unknown[])[row] = record[COLUMN_NAMES[column] as keyof RequestMetric];
  }
  return CompiledQuery.raw(UNNEST_INSERT, columns.map(postgresArrayLiteral));
}

// A JSON escape that means something else in an array literal (there `\n` is the letter n).
const JSON_ONLY_ESCAPE = /\\[bfnrtu]/;
const QUOTE_OR_BACKSLASH = /["\\]/g;

/**
 * Values (strings, numbers, booleans, nulls) as one PostgreSQL array literal, sent as text
 * and cast by the statement: pg's own array serializer escaped element by element and cost
 * as much as PostgreSQL's whole insert. JSON.stringify writes the same text — `[1,null,"a\"b"]`
 * reads as `{1,null,"a\"b"}` — unless a string needed a JSON-only escape (a control
 * character, a lone surrogate half); such an array is written element by element.
 *
 * @example
 * postgresArrayLiteral(['say "hi"', null]) // '{"say \\"hi\\"",null}'
 */
export function postgresArrayLiteral(values: readonly unknown[]): string {
  const json = JSON.stringify(values);
  if (!JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  return `{${values
    .map((value) =>
      value === null
        ? 'NULL'
        : typeof value === 'string'
          ? `"${value.replace(QUOTE_OR_BACKSLASH, '\\$&')}"`
          : String(value),
    )
    .join(',')}}`;
}
