/** PostgreSQL as a storage backend, runtime-free (the Node opener, with pg, is ./open.ts). */
import type { StorageBackend } from '../../backend.js';
import { unnestInsert } from './insert.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

const COLUMN_TYPES: StorageBackend['columnTypes'] = {
  text: 'text',
  integer: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  blob: 'bytea',
};

/** PostgreSQL: shared by a fleet of gateways, pg on Node. */
export const postgresBackend: StorageBackend = {
  name: 'postgres',
  columnTypes: COLUMN_TYPES,
  // PostgreSQL allows 65535 bound parameters per statement.
  maxParams: 60_000,
  // The insert takes one array per column: one statement holds any batch.
  recordsPerInsert: Number.POSITIVE_INFINITY,
  // PostgreSQL takes row locks: two batches in flight that share ids (a client resending)
  // must take them in the same order, or each could wait for the other.
  ordersWrites: true,
  migrations: POSTGRES_MIGRATIONS,
  insertRecords: unnestInsert(COLUMN_TYPES),
};
