/**
 * The gateway's sink: batches records into the store (a record is queryable within
 * ~`flushIntervalMs`), keeps them when the database fails and retries with backoff, and
 * drops the oldest only past `maxBacklog` — counting every drop for /healthz.
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '@ollama-perf/middleware';
import type { MetricStore } from './storage/store.js';

/** Options of {@link storeSink}. */
export interface StoreSinkOptions {
  /** Records per insert. Default 500. */
  batchSize?: number;
  /** Longest a record waits in memory before it is written, ms. Default 100. */
  flushIntervalMs?: number;
  /** Records held while the database is failing; past this the oldest are dropped. Default 100000. */
  maxBacklog?: number;
  /** Longest wait between retries, ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** Told about each failed write (the records stay queued). */
  onError?: (error: unknown) => void;
}

/** Delivery state, as /healthz reports it. */
export interface StoreSinkStats {
  backlog: number;
  written: number;
  dropped: number;
  lastError: string | null;
}

/** A {@link MetricSink} that writes to a {@link MetricStore}. */
export interface StoreSink extends MetricSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): StoreSinkStats;
}

/**
 * Batches records into `store`. `write` never waits on the database.
 *
 * @example
 * const sink = storeSink(store);
 * app.use(ollamaMetrics({ sink }));
 * process.on('SIGTERM', () => sink.close());
 */
export function storeSink(store: MetricStore, options: StoreSinkOptions = {}): StoreSink {
  const batchSize = options.batchSize ?? 500;
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBacklog = options.maxBacklog ?? 100_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const queue: RequestMetric[] = [];
  const state = { written: 0, dropped: 0, lastError: null as string | null, failures: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | null = null;
  let closed = false;

  function schedule(delayMs: number): void {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, delayMs);
    // A pending flush must not keep a finished process alive; close() flushes explicitly.
    (timer as { unref?: () => void }).unref?.();
  }

  async function writeQueued(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await store.insert(batch);
      } catch (error) {
        state.failures++;
        state.lastError = error instanceof Error ? error.message : String(error);
        options.onError?.(error);
        // Keep the batch; try again later, backing off while the database stays down.
        schedule(Math.min(maxRetryDelayMs, flushIntervalMs * 2 ** Math.min(state.failures, 10)));
        return;
      }
      queue.splice(0, batch.length);
      state.written += batch.length;
      state.failures = 0;
      state.lastError = null;
    }
  }

  function drain(): Promise<void> {
    running ??= writeQueued().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    write(records) {
      queue.push(...records);
      if (queue.length > maxBacklog) state.dropped += queue.splice(0, queue.length - maxBacklog).length;
      if (queue.length >= batchSize) void drain();
      else schedule(flushIntervalMs);
    },
    async flush() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await drain();
      // A write that arrived while draining is picked up too.
      if (queue.length > 0 && state.failures === 0) await drain();
    },
    async close() {
      await this.flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    stats: () => ({ backlog: queue.length, written: state.written, dropped: state.dropped, lastError: state.lastError }),
  };
}
