/**
 * The proxy thread's side of the storage thread: a {@link GatewayStore} whose every call is
 * a message to the thread that owns the database, a sink that posts records in batches, and
 * the delivery figures the storage thread last pushed. Nothing here waits for the database
 * on behalf of a proxied request; `/ingest` past the bound on queued calls gets a
 * {@link StorageBusyError} (503 + `Retry-After`) instead of a longer queue.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RequestMetric, StatsFilter, Summary } from '@ollama-perf/core';
import type { MetricSink } from '@ollama-perf/middleware';
import type { MetricsState } from '../../metrics/state.js';
import type { ResidencyEvent } from '../../residency/residency.js';
import type { StoreSinkStats } from '../../sink/store-sink.js';
import { type GatewayStore, type InsertResult, StorageBusyError } from '../gateway-store.js';
import { EXACT_UP_TO } from '../store.js';
import type { FromStorage, StorageThreadData, StoreMethod, ToStorage } from './protocol.js';

/** Options of {@link startStorageThread}: where the database and spool are, and the thread's limits. */
export interface StorageThreadOptions extends Pick<StorageThreadData, 'databaseUrl' | 'spoolPath' | 'openerModule'> {
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
  /** Told each line the storage thread logs. Default: console.error. */
  onLog?: (message: string) => void;
}

/** The storage thread, as the gateway uses it. */
export interface StorageThread extends GatewayStore {
  /** Where the records of proxied requests go: batched, posted, never awaited. */
  readonly sink: MetricSink;
  /** The delivery figures the storage thread pushed last, plus what waits on this side. */
  sinkStats(): StoreSinkStats;
  /** Calls sent to the storage thread and not answered yet. */
  queueDepth(): number;
  /** The delivery figures and the queue depth, as /healthz reports them. */
  health(): StoreSinkStats & { queue_depth: number };
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

/**
 * The worker's entry: the built `worker.js` beside this file, or — running from TypeScript
 * sources (tests, benchmarks) — a bootstrap that registers tsx in the new thread first
 * (a worker does not inherit its parent's module loader).
 */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here);
  const require = createRequire(here);
  const tsxPackage = require.resolve('tsx/package.json');
  const manifest = require(tsxPackage) as { exports: Record<string, { import?: { default?: string } }> };
  const api = manifest.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  const register = new URL(api, pathToFileURL(tsxPackage)).href;
  const worker = new URL('./worker.ts', here).href;
  const bootstrap = `import { register } from ${JSON.stringify(register)};
register();
await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

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
    openerModule: options.openerModule,
  };
  const maxQueuedCalls = options.maxQueuedCalls ?? 16;
  const batchSize = options.batchSize ?? 256;
  const batchDelayMs = options.batchDelayMs ?? 10;
  const log = options.onLog ?? ((message: string) => console.error(`[ollama-perf] ${message}`));
  const worker = new Worker(workerEntry(), { workerData: data, execArgv: [] });

  const calls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let stats = EMPTY_STATS;
  let batch: RequestMetric[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | undefined;
  let exited: Error | null = null;
  let onStopped: (() => void) | undefined;

  const post = (message: ToStorage) => worker.postMessage(message);
  const postBatch = () => {
    if (batchTimer !== undefined) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0 || exited !== null) return;
    post({ type: 'records', records: batch });
    batch = [];
  };

  const backend = await new Promise<string>((resolve, reject) => {
    worker.on('message', (message: FromStorage) => {
      switch (message.type) {
        case 'ready':
          resolve(message.backend);
          return;
        case 'failed':
          reject(new Error(message.message));
          return;
        case 'result':
        case 'error': {
          const call = calls.get(message.id);
          calls.delete(message.id);
          if (message.type === 'result') call?.resolve(message.value);
          else call?.reject(Object.assign(new Error(message.message), { code: message.code }));
          return;
        }
        case 'stats':
          stats = message.stats;
          return;
        case 'log':
          log(message.message);
          return;
        case 'stopped':
          stats = message.stats;
          onStopped?.();
          return;
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = new Error(`the storage thread stopped (exit code ${code})`);
      reject(exited);
      for (const call of calls.values()) call.reject(exited);
      calls.clear();
      onStopped?.();
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  // An error after start-up (a crash in a native module, say) is told, not thrown at the proxy.
  worker.on('error', (error) => log(`the storage thread failed: ${error.message}`));

  // What the storage thread pushed last, plus the records still waiting on this side.
  const sinkStats = (): StoreSinkStats => ({ ...stats, backlog: stats.backlog + batch.length });

  function call<T>(method: StoreMethod, args: unknown[]): Promise<T> {
    if (exited !== null) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
      post({ type: 'call', id, method, args });
    });
  }

  return {
    backend: { name: backend },
    insert(records: RequestMetric[]): Promise<InsertResult> {
      if (calls.size >= maxQueuedCalls) {
        return Promise.reject(new StorageBusyError(`storage has ${calls.size} requests queued; retry in a second`, 1));
      }
      return call('insert', [records]);
    },
    summary: (filter?: StatsFilter) => call<Summary>('summary', [filter]),
    summaryWithHourlyJson: (filter?: StatsFilter) => call<string>('summaryWithHourlyJson', [filter]),
    modelSummaryJson: (model: string, filter?: StatsFilter) => call<string | null>('modelSummaryJson', [model, filter]),
    metricsState: () => call<MetricsState>('metricsState', []),
    residencyEvents: (before?: number) => call<ResidencyEvent[]>('residencyEvents', [before]),
    insertResidency: (events: ResidencyEvent[]) => call<void>('insertResidency', [events]),
    ping: () => call<void>('ping', []),
    sink: {
      write(records) {
        batch.push(...records);
        if (batch.length >= batchSize) postBatch();
        else batchTimer ??= setTimeout(postBatch, batchDelayMs);
      },
    },
    sinkStats,
    queueDepth: () => calls.size,
    health: () => ({ ...sinkStats(), queue_depth: calls.size }),
    async stop() {
      postBatch();
      if (exited !== null) return;
      const stopped = new Promise<void>((resolve) => {
        onStopped = resolve;
      });
      post({ type: 'stop' });
      await stopped;
      await worker.terminate();
    },
  };
}
