/**
 * Opens SQLite on Node with better-sqlite3: the pragmas the gateway's write load needs, and
 * synchronous prepared-statement transactions for the store's batches and transaction scripts.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../migrations.js';
import type { NodeBackend } from '../../node-backend.js';
import type { Database } from '../../schema.js';
import { type BatchExecutor, MetricStore } from '../../store.js';
import {
  driveScript,
  type ScriptRunner,
  type StatementResult,
  type TransactionScript,
} from '../../transaction-script.js';
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

/** Each statement text prepared once and reused (an ingest batch is the same INSERT text every time). */
function preparedStatements(database: SqliteDatabase.Database): (text: string) => SqliteDatabase.Statement {
  const prepared = new Map<string, SqliteDatabase.Statement>();
  return (text) => {
    let statement = prepared.get(text);
    if (statement === undefined) {
      if (prepared.size >= PREPARED_CACHE) prepared.delete(prepared.keys().next().value as string);
      statement = database.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };
}

/**
 * How the store writes through better-sqlite3: synchronous transactions with prepared
 * statements reused — several times cheaper than a Kysely transaction of async round trips,
 * and nothing else can run on the connection in between. IMMEDIATE takes the write lock up
 * front, so a second process cannot make a transaction fail halfway.
 */
function sqliteWriters(database: SqliteDatabase.Database): { batch: BatchExecutor; script: ScriptRunner } {
  const statementFor = preparedStatements(database);
  const batch = database.transaction((queries: CompiledQuery[]) =>
    queries.map((q) => statementFor(q.sql).run(...(q.parameters as unknown[])).changes),
  );
  const execute = (query: CompiledQuery): StatementResult => {
    const statement = statementFor(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(...parameters) as StatementResult['rows'], changes: 0 };
    return { rows: [], changes: statement.run(...parameters).changes };
  };
  const script = database.transaction((steps: TransactionScript<unknown>) => driveScript(steps, execute));
  return {
    batch: async (queries) => batch.immediate(queries),
    script: async <T>(steps: TransactionScript<T>) => script.immediate(steps) as T,
  };
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
    return new MetricStore(db, { backend: sqliteBackend, ...sqliteWriters(database) });
  },
};
