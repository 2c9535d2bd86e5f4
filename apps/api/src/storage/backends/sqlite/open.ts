/**
 * Opens SQLite on Node with better-sqlite3: the pragmas the gateway's write load needs, and a
 * synchronous prepared-statement transaction for the store's batches.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../migrations.js';
import type { NodeBackend } from '../../node-backend.js';
import type { Database } from '../../schema.js';
import { MetricStore } from '../../store.js';
import { sqliteBackend } from './index.js';

const FILE_URL = /^(?:sqlite|file):(?:\/\/)?(.+)$/i;

/** The path `sqlite:PATH`, `file:PATH` or `:memory:` names. */
function pathOf(url: string): string {
  if (url === ':memory:') return url;
  const file = FILE_URL.exec(url);
  if (file === null) throw new Error(`not an SQLite URL: ${url}`);
  return file[1] as string;
}

const PREPARED_CACHE = 64;

/**
 * Runs statements as one SQLite transaction straight through better-sqlite3: synchronous,
 * with each statement prepared once and reused (an ingest batch is the same INSERT text
 * every time) — several times cheaper than a Kysely transaction of async round trips.
 * IMMEDIATE takes the write lock up front, so a second process cannot make it fail halfway.
 */
function sqliteBatch(database: SqliteDatabase.Database): (queries: CompiledQuery[]) => Promise<number[]> {
  const prepared = new Map<string, SqliteDatabase.Statement>();
  const statementFor = (text: string) => {
    let statement = prepared.get(text);
    if (statement === undefined) {
      if (prepared.size >= PREPARED_CACHE) prepared.delete(prepared.keys().next().value as string);
      statement = database.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };
  const run = database.transaction((queries: CompiledQuery[]) =>
    queries.map((q) => statementFor(q.sql).run(...(q.parameters as unknown[])).changes),
  );
  return async (queries) => run.immediate(queries);
}

/** SQLite on Node: `sqlite:PATH`, `file:PATH` or `:memory:`; the file is created on first run. */
export const sqliteNode: NodeBackend = {
  backend: sqliteBackend,
  urlForms: ['sqlite:PATH', 'file:PATH', ':memory:'],
  accepts: (url) => url === ':memory:' || FILE_URL.test(url),
  describe: (url) => `SQLite ${pathOf(url)}`,
  fileOf(url) {
    const path = pathOf(url);
    return path === ':memory:' ? null : path;
  },
  async open(url) {
    const path = pathOf(url);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const database = new SqliteDatabase(path);
    // WAL lets /stats read while the gateway writes; NORMAL sync is durable across app crashes.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // Checkpoint every ~40 MB of WAL rather than SQLite's 4 MB: index pages that keep
    // changing under a stream of inserts are then written back once instead of ten times.
    database.pragma('wal_autocheckpoint = 10000');
    // better-sqlite3 is synchronous: a lock wait blocks the event loop, so wait briefly and
    // let the sink spool the batch instead.
    database.pragma('busy_timeout = 100');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    await migrateToLatest(db as Kysely<unknown>, sqliteBackend.migrations);
    return new MetricStore(db, { backend: sqliteBackend, batch: sqliteBatch(database) });
  },
};
