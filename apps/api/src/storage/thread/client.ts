/**
 * The proxy thread's side of the storage thread: a {@link GatewayStore} whose every call is
 * a message to the thread that owns the database, a sink that posts records in batches, and
 * the delivery figures the storage thread last pushed. Nothing here waits for the database
 * on behalf of a proxied request; `/ingest` past the bound on queued calls gets a
 * {@link StorageBusyError} (503 + `Retry-After`) instead of a longer queue.
 *
 * Should the storage thread die (an uncaught error, `process.exit`, out of memory), the calls
 * it had not answered fail with a StorageBusyError, the records it held only in memory — posted
 * and not yet settled, or carried by those calls — go to the spool, one line is logged, and a
 * new thread starts (waiting longer each time when it keeps dying); it replays the spool.
 */
import type { Comparison, RequestMetric, StatsFilter, Summary } from '@ollama-perf/core';
import type { MetricSink } from '@ollama-perf/middleware';
import type { MetricsState } from '../../metrics/state.js';
import type { ResidencyEvent } from '../../residency/residency.js';
import { fileSpool } from '../../sink/file-spool.js';
import type { StoreSinkStats } from '../../sink/store-sink.js';
import { writeFailureReason } from '../disk-full.js';
import {
  type CompareRequest,
  type GatewayStore,
  type InsertResult,
  StorageBusyError,
  type SummaryRequest,
} from '../gateway-store.js';
import { EXACT_UP_TO } from '../store.js';
import { connectStorageThread, type StorageConnection } from './connection.js';
import type { StorageThreadData, StoreMethod } from './protocol.js';
import { UnsettledRecords } from './unsettled.js';

/** Options of {@link startStorageThread}: where the database and spool are, and the thread's limits. */
export interface StorageThreadOptions
  extends Pick<StorageThreadData, 'databaseUrl' | 'spoolPath' | 'perfLog' | 'openerModule'> {
  /** How often to fold finished periods into rollups, ms (0: never). Default 60000. */
  rollupIntervalMs?: number;
  /** Calls queued on the storage thread past which `insert` is refused as busy. Default 16. */
  maxQueuedCalls?: number;
  /** Records gathered before a batch is posted; a partial batch goes after `batchDelayMs`. Default 256. */
  batchSize?: number;
  /** Longest a record waits on this thread before it is posted, ms. Default 10. */
  batchDelayMs?: number;
  /** How often the storage thread pushes its delivery figures, ms. Default 250. */
  statsIntervalMs?: number;
  /** Windows of at most this many records are summarized exactly (`MetricStore.exactUpTo`). Default 10000. */
  statsExactUpTo?: number | undefined;
  /** Wait before starting a storage thread that died, ms; doubled for each death in a row. Default 500. */
  restartDelayMs?: number;
  /** Longest such wait, ms. Default 30000. */
  maxRestartDelayMs?: number;
  /** Records kept on this side while no storage thread runs; beyond, the oldest are dropped. Default 100000. */
  maxWaitingRecords?: number;
  /** Told each line the storage thread logs. Default: console.error. */
  onLog?: (message: string) => void;
}

/** What /healthz reports of the storage thread. */
export interface StorageThreadHealth extends StoreSinkStats {
  /** Calls sent to the storage thread and not answered yet. */
  queue_depth: number;
  /** Times the storage thread died and was started again. */
  restarts: number;
}

/** The storage thread, as the gateway uses it. */
export interface StorageThread extends GatewayStore {
  /** Where the records of proxied requests go: batched, posted, never awaited. */
  readonly sink: MetricSink;
  /** The delivery figures the storage thread pushed last, plus what waits on this side. */
  sinkStats(): StoreSinkStats;
  /** Calls sent to the storage thread and not answered yet. */
  queueDepth(): number;
  /** The delivery figures, the queue depth and the restarts, as /healthz reports them. */
  health(): StorageThreadHealth;
  /** Posts what is pending, lets the storage thread flush and close its database, and ends it. */
  stop(): Promise<void>;
}

const EMPTY_STATS: StoreSinkStats = {
  backlog: 0,
  spooled: 0,
  written: 0,
  dropped: 0,
  rejected: 0,
  lastError: null,
  degraded: null,
};

// A thread that ran this long before dying is not "dying again": the restart wait starts over.
const STABLE_MS = 60_000;

/**
 * Starts the storage thread and resolves once its database is open; rejects with the
 * opener's message when it cannot be.
 *
 * @example
 * const storage = await startStorageThread({ databaseUrl: undefined, spoolPath: './data/spool.jsonl' });
 * const app = createApp({ store: storage, sink: storage.sink, ollamaUrl });
 */
export async function startStorageThread(options: StorageThreadOptions): Promise<StorageThread> {
  const data: StorageThreadData = {
    databaseUrl: options.databaseUrl,
    spoolPath: options.spoolPath,
    rollupIntervalMs: options.rollupIntervalMs ?? 60_000,
    statsIntervalMs: options.statsIntervalMs ?? 250,
    statsExactUpTo: options.statsExactUpTo ?? EXACT_UP_TO,
    perfLog: options.perfLog,
    openerModule: options.openerModule,
  };
  const maxQueuedCalls = options.maxQueuedCalls ?? 16;
  const batchSize = options.batchSize ?? 256;
  const batchDelayMs = options.batchDelayMs ?? 10;
  const restartDelayMs = options.restartDelayMs ?? 500;
  const maxRestartDelayMs = options.maxRestartDelayMs ?? 30_000;
  const maxWaitingRecords = options.maxWaitingRecords ?? 100_000;
  const log = options.onLog ?? ((message: string) => console.error(`[ollama-perf] ${message}`));

  const unsettled = new UnsettledRecords();
  let stats = EMPTY_STATS;
  // Figures of threads that died: their counters start over in the next one.
  const before = { written: 0, dropped: 0 };
  let batch: RequestMetric[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | undefined;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let restarting: Promise<void> | null = null;
  let down: string | null = null;
  let restarts = 0;
  let deathsInARow = 0;
  let upSince = Date.now();
  let stopped = false;

  const busy = (reason: string) =>
    new StorageBusyError(`the storage thread stopped (${reason}) and is restarting; retry in a second`, 1);

  const events = {
    onStats(pushed: StoreSinkStats, settled: number) {
      stats = pushed;
      unsettled.settledUpTo(settled);
    },
    onLog: log,
    onCrash: (reason: string, inFlight: RequestMetric[]) => crashed(reason, inFlight),
  };
  let connection: StorageConnection | null = await connectStorageThread(data, events, busy);
  const backend = connection.backend;

  /** Appends records to the spool from this thread (no storage thread runs to do it). */
  function spoolHere(records: RequestMetric[]): void {
    if (records.length === 0) return;
    try {
      before.dropped += fileSpool(data.spoolPath).append(records);
    } catch (error) {
      before.dropped += records.length;
      log(`cannot spool ${records.length} record(s) the storage thread held, dropped: ${writeFailureReason(error)}`);
    }
  }

  function crashed(reason: string, inFlight: RequestMetric[]): void {
    connection = null;
    before.written += stats.written;
    before.dropped += stats.dropped;
    stats = { ...EMPTY_STATS, rejected: stats.rejected };
    const held = [...unsettled.takeAll(), ...inFlight];
    spoolHere(held);
    restarts++;
    if (Date.now() - upSince > STABLE_MS) deathsInARow = 0;
    deathsInARow++;
    const delay = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** (deathsInARow - 1));
    down = `the storage thread stopped unexpectedly (${reason}); restarting`;
    log(`${down} in ${delay} ms; the ${held.length} record(s) it held are in the spool`);
    scheduleRestart(delay);
  }

  function scheduleRestart(delayMs: number): void {
    if (stopped) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      restarting = restart().finally(() => {
        restarting = null;
      });
    }, delayMs);
  }

  async function restart(): Promise<void> {
    try {
      const started = await connectStorageThread(data, events, busy);
      if (stopped) {
        await started.stop();
        return;
      }
      connection = started;
      upSince = Date.now();
      down = null;
      log(`the storage thread runs again (restart ${restarts})`);
      postBatch();
    } catch (error) {
      deathsInARow++;
      const delay = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** (deathsInARow - 1));
      down = `the storage thread cannot start (${writeFailureReason(error)}); retrying`;
      log(`${down} in ${delay} ms`);
      scheduleRestart(delay);
    }
  }

  function postBatch(): void {
    if (batchTimer !== undefined) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0 || connection === null) return;
    connection.post({ type: 'records', records: batch });
    unsettled.add(batch);
    batch = [];
  }

  // What the storage thread pushed last (and threads before it), plus what waits on this side.
  const sinkStats = (): StoreSinkStats => ({
    ...stats,
    backlog: stats.backlog + batch.length,
    written: before.written + stats.written,
    dropped: before.dropped + stats.dropped,
    degraded: down ?? stats.degraded,
  });

  function call<T>(method: StoreMethod, args: unknown[]): Promise<T> {
    if (connection === null) return Promise.reject(busy(down ?? 'stopped'));
    return connection.call<T>(method, args);
  }
  const queueDepth = () => connection?.pending() ?? 0;

  return {
    backend: { name: backend },
    insert(records: RequestMetric[]): Promise<InsertResult> {
      if (queueDepth() >= maxQueuedCalls) {
        return Promise.reject(
          new StorageBusyError(`storage has ${queueDepth()} requests queued; retry in a second`, 1),
        );
      }
      return call('insert', [records]);
    },
    summary: (filter?: StatsFilter, options?: SummaryRequest) => call<Summary>('summary', [filter, options]),
    summaryJson: (filter?: StatsFilter, options?: SummaryRequest) => call<string>('summaryJson', [filter, options]),
    modelSummaryJson: (model: string, filter?: StatsFilter, options?: SummaryRequest) =>
      call<string | null>('modelSummaryJson', [model, filter, options]),
    compare: (request: CompareRequest) => call<Comparison>('compare', [request]),
    metricsState: () => call<MetricsState>('metricsState', []),
    residencyEvents: (before?: number) => call<ResidencyEvent[]>('residencyEvents', [before]),
    insertResidency: (events: ResidencyEvent[]) => call<void>('insertResidency', [events]),
    ping: () => call<void>('ping', []),
    sink: {
      write(records) {
        batch.push(...records);
        // While no thread runs, records wait here, bounded: the oldest go first, counted.
        if (batch.length > maxWaitingRecords)
          before.dropped += batch.splice(0, batch.length - maxWaitingRecords).length;
        if (batch.length >= batchSize) postBatch();
        else batchTimer ??= setTimeout(postBatch, batchDelayMs);
      },
    },
    sinkStats,
    queueDepth,
    health: () => ({ ...sinkStats(), queue_depth: queueDepth(), restarts }),
    async stop() {
      stopped = true;
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      await restarting;
      postBatch();
      if (connection === null) {
        // No thread to flush them: what waits here is kept for the next start.
        spoolHere(batch.splice(0));
        return;
      }
      const last = await connection.stop();
      if (last !== null) stats = last;
      connection = null;
    },
  };
}
