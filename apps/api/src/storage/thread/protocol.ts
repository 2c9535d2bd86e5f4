/**
 * The messages between the gateway's proxy thread and its storage thread. Calls carry an id
 * and get exactly one answer; records of proxied requests go one way, in batches; the storage
 * thread pushes its delivery figures so that /healthz never waits behind a long query.
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { StoreSinkStats } from '../../sink/store-sink.js';
import type { GatewayStore } from '../gateway-store.js';

/** The store methods the proxy thread may call on the storage thread. */
export type StoreMethod = Exclude<keyof GatewayStore, 'backend'>;

/** What the storage thread is started with (its `workerData`). */
export interface StorageThreadData {
  /** `DATABASE_URL` (unset: the default SQLite file). */
  databaseUrl: string | undefined;
  /** Where records wait while the database fails. */
  spoolPath: string;
  /** How often to fold finished periods into rollups, ms (0: never). */
  rollupIntervalMs: number;
  /** How often the delivery figures are pushed, ms. */
  statsIntervalMs: number;
  /** Windows of at most this many records are summarized exactly (`MetricStore.exactUpTo`). */
  statsExactUpTo: number;
  /** Where every posted record is also appended as a JSON line (`PERF_LOG`), and its size limit. */
  perfLog?: { path: string; maxBytes: number } | undefined;
  /**
   * A module whose `openStore(url)` replaces the default opener (a store wrapped to measure
   * or to misbehave, in tests). Default: `../open-node.js`.
   */
  openerModule?: string | undefined;
}

/** Proxy thread → storage thread. */
export type ToStorage =
  | { type: 'call'; id: number; method: StoreMethod; args: unknown[] }
  | { type: 'records'; records: RequestMetric[] }
  | { type: 'stop' };

/** Storage thread → proxy thread. */
export type FromStorage =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; code?: string | undefined }
  /** `settled`: records posted to this thread that it has written, spooled or dropped so far. */
  | { type: 'stats'; stats: StoreSinkStats; settled: number }
  | { type: 'log'; message: string }
  | { type: 'stopped'; stats: StoreSinkStats };
