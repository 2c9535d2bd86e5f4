/**
 * SQLite as a storage backend, runtime-free (the Node opener, with better-sqlite3, is ./open.ts).
 * SQLite writes one transaction at a time, so writers need no row order.
 */
import { recordsPerStatement, type StorageBackend } from '../../backend.js';
import { REQUEST_METRIC_COLUMNS } from '../../schema.js';
import { insertWithPlaceholders } from './insert.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

// SQLite allows 32766 bound parameters per statement.
const MAX_PARAMS = 30_000;

/** SQLite: one file (or memory), better-sqlite3 on Node. */
export const sqliteBackend: StorageBackend = {
  name: 'sqlite',
  // `boolean` has numeric affinity (0/1) and reads back in introspection as what it means.
  columnTypes: { text: 'text', integer: 'integer', real: 'real', boolean: 'boolean', blob: 'blob' },
  maxParams: MAX_PARAMS,
  recordsPerInsert: recordsPerStatement(MAX_PARAMS, REQUEST_METRIC_COLUMNS.length),
  ordersWrites: false,
  migrations: SQLITE_MIGRATIONS,
  insertRecords: insertWithPlaceholders,
};
