/**
 * One storage thread's lifetime, as the proxy thread sees it: starts the Worker, waits for
 * its database, routes its answers to the calls that asked, and tells when it ends. A thread
 * that ends without being asked to (an uncaught error, `process.exit`, out of memory) fails
 * the calls still waiting and reports which records they carried; the client decides what
 * comes next (it spools those records and starts another thread).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RequestMetric } from '@ollama-perf/core';
import type { StoreSinkStats } from '../../sink/store-sink.js';
import type { FromStorage, StorageThreadData, StoreMethod, ToStorage } from './protocol.js';

/** The storage thread's young generation, MB. */
const YOUNG_GENERATION_MB = 12;

/** What a connection tells its owner. */
export interface ConnectionEvents {
  /** The thread's delivery figures, and how many posted records it has settled so far. */
  onStats(stats: StoreSinkStats, settled: number): void;
  /** A line the thread logs. */
  onLog(message: string): void;
  /**
   * The thread ended without a `stop()`. `reason` says how; `records` are those of the
   * `insert` calls it had not answered (those calls are rejected with `callError`).
   */
  onCrash(reason: string, records: RequestMetric[]): void;
}

/** A started storage thread. */
export interface StorageConnection {
  /** Which database the thread opened. */
  readonly backend: string;
  /** Posts a message (records, typically). */
  post(message: ToStorage): void;
  /** Calls a store method on the thread. */
  call<T>(method: StoreMethod, args: unknown[]): Promise<T>;
  /** Calls sent and not answered yet. */
  pending(): number;
  /** Lets the thread flush and close its database, ends it; resolves with its last figures. */
  stop(): Promise<StoreSinkStats | null>;
}

interface PendingCall {
  method: StoreMethod;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

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
 * Starts a storage thread and resolves once its database is open; rejects with the opener's
 * message (or how the thread ended) when it cannot be. `callError(reason)` is what calls
 * waiting on a thread that crashes are rejected with.
 */
export async function connectStorageThread(
  data: StorageThreadData,
  events: ConnectionEvents,
  callError: (reason: string) => Error,
): Promise<StorageConnection> {
  const worker = new Worker(workerEntry(), {
    workerData: data,
    execArgv: [],
    // V8's default young generation (3 × 16 MB semi-spaces) fills with each batch's short-lived
    // garbage before a scavenge; 12 MB holds the gateway's RSS under load 30 MB lower (bench: isolation).
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const calls = new Map<number, PendingCall>();
  let nextId = 1;
  let ready = false;
  let stopping = false;
  let ended = false;
  let lastError: Error | null = null;
  let onStopped: ((stats: StoreSinkStats | null) => void) | undefined;

  const backend = await new Promise<string>((resolve, reject) => {
    worker.on('message', (message: FromStorage) => {
      switch (message.type) {
        case 'ready':
          ready = true;
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
          events.onStats(message.stats, message.settled);
          return;
        case 'log':
          events.onLog(message.message);
          return;
        case 'stopped':
          onStopped?.(message.stats);
          return;
      }
    });
    // The last 'error' before 'exit' says why the thread died (an uncaught exception, OOM).
    worker.on('error', (error) => {
      lastError = error;
      if (!ready) reject(error);
    });
    worker.once('exit', (code) => {
      ended = true;
      const reason = lastError === null ? `exit code ${code}` : `${lastError.message} (exit code ${code})`;
      if (!ready) reject(new Error(`the storage thread stopped while starting: ${reason}`));
      const records: RequestMetric[] = [];
      const error = callError(reason);
      for (const call of calls.values()) {
        if (call.method === 'insert') records.push(...(call.args[0] as RequestMetric[]));
        call.reject(error);
      }
      calls.clear();
      if (stopping) onStopped?.(null);
      else if (ready) events.onCrash(reason, records);
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  return {
    backend,
    post(message) {
      if (!ended) worker.postMessage(message);
    },
    call<T>(method: StoreMethod, args: unknown[]): Promise<T> {
      if (ended) return Promise.reject(callError('the storage thread is not running'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        calls.set(id, { method, args, resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ type: 'call', id, method, args } satisfies ToStorage);
      });
    },
    pending: () => calls.size,
    async stop() {
      if (ended) return null;
      stopping = true;
      const stopped = new Promise<StoreSinkStats | null>((resolve) => {
        onStopped = resolve;
      });
      worker.postMessage({ type: 'stop' } satisfies ToStorage);
      const stats = await stopped;
      await worker.terminate();
      return stats;
    },
  };
}
