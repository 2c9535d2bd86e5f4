/**
 * The one interface every storage backend implements (kysely's `dialect/<name>/` idea): what
 * MetricStore and the rollups need to know about a database, so that neither ever asks which
 * one it runs on. Runtime-free: opening a connection is each backend's `open.ts`.
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { CompiledQuery } from 'kysely';
import type { ReleasedMigration } from './migrations.js';
import type { LogicalType } from './schema.js';

/** A storage backend: its SQL, its limits and its released schema. */
export interface StorageBackend {
  /** What `/healthz` reports as `storage.backend`, e.g. `'sqlite'`. */
  readonly name: string;
  /** The SQL type each logical column type is declared as (new migrations and casts use it). */
  readonly columnTypes: Readonly<Record<LogicalType, string>>;
  /** Bound parameters one statement may carry. */
  readonly maxParams: number;
  /** Records one {@link StorageBackend.insertRecords} statement may carry. */
  readonly recordsPerInsert: number;
  /**
   * Whether writers must insert records in id order: a database that takes row locks would
   * otherwise let two batches sharing ids (a client resending) each wait for the other.
   */
  readonly ordersWrites: boolean;
  /** The released migrations, oldest first, as literal DDL: frozen, never edited (add a new one). */
  readonly migrations: readonly ReleasedMigration[];
  /** The INSERT of `records` (at most {@link StorageBackend.recordsPerInsert}) that skips known ids. */
  insertRecords(records: readonly RequestMetric[]): CompiledQuery;
}

/** Records per insert statement when each record binds one parameter per column. */
export function recordsPerStatement(maxParams: number, columns: number): number {
  return Math.max(1, Math.floor(maxParams / columns));
}
