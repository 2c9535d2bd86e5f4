/**
 * The INSERT of records for PostgreSQL: one array per column, unnested — 25 parameters however
 * many records, which PostgreSQL reads in less than half the time of a row of placeholders per
 * record (and in less than JSON through `json_populate_recordset`). Written directly rather than
 * through Kysely's builder, which cost more than the database's own work at this size.
 */
import type { RequestMetric } from '@ollama-perf/core';
import { CompiledQuery } from 'kysely';
import { COLUMN_LIST, COLUMN_NAMES } from '../../rows.js';
import { type LogicalType, REQUEST_METRIC_COLUMNS } from '../../schema.js';

/** A builder of the INSERT of records that skips known ids: one array literal per column, cast to `columnTypes`. */
export function unnestInsert(
  columnTypes: Readonly<Record<LogicalType, string>>,
): (records: readonly RequestMetric[]) => CompiledQuery {
  const casts = REQUEST_METRIC_COLUMNS.map((column, i) => `$${i + 1}::${columnTypes[column.type]}[]`).join(', ');
  const text = `insert into "request_metrics" (${COLUMN_LIST}) select * from unnest(${casts}) on conflict ("id") do nothing`;
  return function insertUnnested(records: readonly RequestMetric[]): CompiledQuery {
    const columns = COLUMN_NAMES.map(() => new Array<unknown>(records.length));
    for (let row = 0; row < records.length; row++) {
      const record = records[row] as RequestMetric;
      for (let column = 0; column < COLUMN_NAMES.length; column++)
        (columns[column] as unknown[])[row] = record[COLUMN_NAMES[column] as keyof RequestMetric];
    }
    return CompiledQuery.raw(text, columns.map(postgresArrayLiteral));
  };
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
