/**
 * A store opener for the storage thread that makes every call hold its thread for
 * `BLOCKING_STORE_MS` (default 2000) before doing the real work — the way a synchronous
 * better-sqlite3 query over millions of rows holds whatever thread runs it.
 */
import { openStore as openRealStore } from '../../src/storage/open-node.js';
import type { MetricStore } from '../../src/storage/store.js';

const BLOCKED_METHODS = [
  'insert',
  'summary',
  'summaryJson',
  'compare',
  'modelSummaryJson',
  'metricsState',
  'residencyEvents',
  'insertResidency',
] as const;

/** Blocks the calling thread for `ms`, as a synchronous native call would. */
function holdThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Opens the real store, then makes each of its data calls block first. */
export async function openStore(url: string | undefined): Promise<MetricStore> {
  const store = await openRealStore(url);
  const ms = Number(process.env.BLOCKING_STORE_MS ?? 2000);
  for (const method of BLOCKED_METHODS) {
    const real = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(store, {
      [method]: (...args: unknown[]) => {
        holdThread(ms);
        return real(...args);
      },
    });
  }
  return store;
}
