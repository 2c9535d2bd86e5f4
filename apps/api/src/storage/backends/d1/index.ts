/**
 * Cloudflare D1 as a storage backend, runtime-free (the Workers opener is ./open.ts). D1 is
 * SQLite: the same column types, insert and migrations (wrangler applies them from
 * migrations/*.sql), with a far lower parameter limit.
 */
import { recordsPerStatement, type StorageBackend } from '../../backend.js';
import { REQUEST_METRIC_COLUMNS } from '../../schema.js';
import { sqliteBackend } from '../sqlite/index.js';

// D1 binds at most 100 parameters per statement.
const MAX_PARAMS = 100;

/** D1: SQLite on Cloudflare, through a Worker binding. */
export const d1Backend: StorageBackend = {
  name: 'd1',
  columnTypes: sqliteBackend.columnTypes,
  maxParams: MAX_PARAMS,
  recordsPerInsert: recordsPerStatement(MAX_PARAMS, REQUEST_METRIC_COLUMNS.length),
  // D1 is SQLite underneath: one writer at a time, no row locks to order.
  ordersWrites: false,
  migrations: sqliteBackend.migrations,
  insertRecords: sqliteBackend.insertRecords,
};
