/**
 * The INSERT of records for SQLite and D1: one `?` per value. Written directly rather than
 * through Kysely's builder: it runs for every ingested batch, and building a 25,000-parameter
 * statement node by node cost more than SQLite's own work. A batch of the same size gives the
 * same text, so a prepared statement is reused.
 */
import type { RequestMetric } from '@ollama-perf/core';
import { CompiledQuery } from 'kysely';
import { COLUMN_LIST, COLUMN_NAMES } from '../../rows.js';

const QUESTION_MARKS = `(${COLUMN_NAMES.map(() => '?').join(', ')})`;

/** The INSERT of `records` that skips known ids, with `?` placeholders and booleans as 0/1. */
export function insertWithPlaceholders(records: readonly RequestMetric[]): CompiledQuery {
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
