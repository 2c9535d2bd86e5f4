/**
 * Opens a store from a `DATABASE_URL` on Node: SQLite (better-sqlite3, the default, a file
 * created on first run) or PostgreSQL (pg). Runs the migrations before returning.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { MetricStore } from './store.js';

/** The SQLite file used when `DATABASE_URL` is unset. */
export const DEFAULT_SQLITE_PATH = './data/ollama-perf.sqlite';

/** Where a `DATABASE_URL` points. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * Reads a `DATABASE_URL`: unset → the default SQLite file; `sqlite:PATH`, `file:PATH`,
 * `:memory:` → SQLite; `postgres://…` / `postgresql://…` → PostgreSQL.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseLocation {
  const value = url?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (value === ':memory:') return { kind: 'sqlite', path: ':memory:' };
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value };
  const file = /^(?:sqlite|file):(?:\/\/)?(.+)$/i.exec(value);
  if (file !== null) return { kind: 'sqlite', path: file[1] as string };
  throw new Error(`DATABASE_URL "${value}" is not sqlite:PATH, file:PATH, :memory: or postgres://…`);
}

/** The spool file used when none is configured: beside the SQLite file, or under ./data. */
export function defaultSpoolPath(url: string | undefined): string {
  const location = parseDatabaseUrl(url);
  return location.kind === 'sqlite' && location.path !== ':memory:'
    ? `${location.path}.spool.jsonl`
    : './data/ollama-perf.spool.jsonl';
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

/** Opens (and migrates) the store a `DATABASE_URL` names. */
export async function openStore(url: string | undefined): Promise<MetricStore> {
  const location = parseDatabaseUrl(url);
  if (location.kind === 'sqlite') {
    if (location.path !== ':memory:') mkdirSync(dirname(resolve(location.path)), { recursive: true });
    const database = new SqliteDatabase(location.path);
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
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    return new MetricStore(db, { backend: 'sqlite', batch: sqliteBatch(database) });
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: 10,
    // BIGINT (ts, counts) as JS numbers: epoch ms and token counts stay far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
    },
  } as pg.PoolConfig);
  // An idle connection dropped by the server (restart, failover) must not crash the
  // process: the next query reconnects, and a failed write is spooled by the sink.
  pool.on('error', (error) => console.error(`[ollama-perf] PostgreSQL connection lost: ${error.message}`));
  // A connection dropped while checked out (between a transaction's statements, say) emits
  // 'error' on the client, which pg-pool does not listen to then: without this it crashes.
  pool.on('connect', (client) => {
    client.on('error', (error) => console.error(`[ollama-perf] PostgreSQL connection lost: ${error.message}`));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new MetricStore(db, { backend: 'postgres' });
}
