/**
 * Filling a database with a synthetic history, fast, for the stats benchmark. SQLite: the
 * schema comes from the app's own migrations (`openStore`), then rows go in through
 * better-sqlite3 directly — prepared multi-row INSERTs, one transaction per 50,000 rows,
 * `synchronous = OFF` (a fixture needs no durability) — about an order of magnitude faster
 * than the app's write path. PostgreSQL: the store's own batched inserts.
 */
import { createRequire } from 'node:module';
import { HOUR_MS, type RequestMetric } from '@ollama-perf/core';
import { openStore } from '../../apps/api/src/storage/open-node.ts';
import { REQUEST_METRIC_COLUMNS } from '../../apps/api/src/storage/schema.ts';
import { type HistoryOptions, syntheticHistory } from './records.js';

// The part of better-sqlite3's API used here (bench has no dependency of its own on it:
// it is loaded from apps/api, the package that owns it).
interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(source: string): unknown;
  transaction(fn: () => void): () => void;
  close(): void;
}
type SqliteConstructor = new (path: string, options?: { readonly?: boolean }) => SqliteDatabase;

const ROWS_PER_STATEMENT = 200; // × 25 columns = 5,000 bound parameters (SQLite allows 32,766)
const ROWS_PER_TRANSACTION = 50_000;
const COLUMN_NAMES = REQUEST_METRIC_COLUMNS.map((c) => c.name);
const DAY_MS = 24 * HOUR_MS;

function openSqlite(path: string, readonly = false): SqliteDatabase {
  const require = createRequire(new URL('../../apps/api/package.json', import.meta.url));
  const Database = require('better-sqlite3') as SqliteConstructor;
  return new Database(path, { readonly });
}

function pushRow(values: unknown[], record: RequestMetric): void {
  for (const name of COLUMN_NAMES) {
    const value = record[name];
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
}

/** What a fill observed of each record, for checks computed outside the database. */
export type RecordVisitor = (record: RequestMetric) => void;

/**
 * Creates (migrates) the SQLite database at `path` and inserts a synthetic history of
 * `options.total` records; `visit` sees each record as it goes in. Resolves with the
 * insert rate (records/s).
 *
 * @example
 * const rate = await fillSqlite('/tmp/stats.sqlite', { total: 1_000_000 });
 */
export async function fillSqlite(
  path: string,
  options: HistoryOptions,
  visit: RecordVisitor = () => undefined,
): Promise<number> {
  const store = await openStore(`sqlite:${path}`);
  await store.close();
  const db = openSqlite(path);
  try {
    db.pragma('synchronous = OFF');
    const placeholders = (rows: number) =>
      Array.from({ length: rows }, () => `(${COLUMN_NAMES.map(() => '?').join(',')})`).join(',');
    const sqlFor = (rows: number) =>
      `INSERT INTO request_metrics (${COLUMN_NAMES.join(',')}) VALUES ${placeholders(rows)}`;
    const full = db.prepare(sqlFor(ROWS_PER_STATEMENT));
    const started = performance.now();
    let pending: RequestMetric[] = [];
    const flush = db.transaction(() => {
      let i = 0;
      for (; i + ROWS_PER_STATEMENT <= pending.length; i += ROWS_PER_STATEMENT) {
        const values: unknown[] = [];
        for (let j = i; j < i + ROWS_PER_STATEMENT; j++) pushRow(values, pending[j] as RequestMetric);
        full.run(...values);
      }
      if (i < pending.length) {
        const values: unknown[] = [];
        for (let j = i; j < pending.length; j++) pushRow(values, pending[j] as RequestMetric);
        db.prepare(sqlFor(pending.length - i)).run(...values);
      }
    });
    for (const record of syntheticHistory(options)) {
      visit(record);
      pending.push(record);
      if (pending.length === ROWS_PER_TRANSACTION) {
        flush();
        pending = [];
      }
    }
    if (pending.length > 0) flush();
    const seconds = (performance.now() - started) / 1000;
    // Leave a clean file behind: everything in the main database, WAL emptied.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return options.total / seconds;
  } finally {
    db.close();
  }
}

/**
 * Migrates the PostgreSQL database at `url`, empties `request_metrics`, and inserts a synthetic history through the
 * store's own batched insert. Resolves with the insert rate (records/s).
 */
export async function fillPostgres(
  url: string,
  options: HistoryOptions,
  visit: RecordVisitor = () => undefined,
): Promise<number> {
  const store = await openStore(url);
  try {
    // A fresh table for each fill: sizes measured one after the other must not add up.
    await store.db.deleteFrom('request_metrics').execute();
    await store.db.deleteFrom('metric_rollups').execute();
    await store.db.deleteFrom('rollup_periods').execute();
    const started = performance.now();
    let batch: RequestMetric[] = [];
    for (const record of syntheticHistory(options)) {
      visit(record);
      batch.push(record);
      if (batch.length === 10_000) {
        await store.insert(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await store.insert(batch);
    return options.total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}

/** Marks every hour and day of the database at `url` as changed, for the gateway's rollup timer to rebuild. */
export async function markAllPeriods(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    await store.rollups.markAll();
  } finally {
    await store.close();
  }
}

/**
 * Closed hours and days of the SQLite database at `path` whose rollups are out of date (read
 * on a read-only connection of its own, beside the gateway that builds them).
 */
export function pendingRollupPeriods(path: string, now = Date.now()): number {
  const db = openSqlite(path, true);
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM rollup_periods WHERE built_version <> version
           AND ((grain = 'hour' AND start <= ?) OR (grain = 'day' AND start <= ?))`,
      )
      .get(now - HOUR_MS, now - DAY_MS) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/**
 * Builds the rollups of every hour and day of the database at `url`, as the gateway's timer
 * would (after `fillSqlite`, which bypasses the store, its periods are marked first).
 * Resolves with the records/s folded in.
 */
export async function buildRollups(url: string, records: number): Promise<number> {
  const store = await openStore(url);
  try {
    const started = performance.now();
    await store.rollups.markAll();
    for (;;) {
      const built = await store.rollups.build(Date.now(), 1000);
      if (built.hours + built.days === 0) break;
    }
    return records / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}
