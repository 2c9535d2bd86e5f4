/**
 * The gateway's sink: batches records into the store (a record is queryable within
 * ~`flushIntervalMs`). When the database fails, the queue moves to the spool (on disk on
 * Node) and is replayed with backoff once the database answers again; inserts skip known
 * ids, so a replay never duplicates. Every record refused by a full spool or queue is
 * counted as dropped for /healthz.
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '@ollama-perf/middleware';
import type { MetricStore } from '../storage/store.js';
import { memorySpool, type Spool } from './spool.js';

/** Options of {@link storeSink}. */
export interface StoreSinkOptions {
  /** Records per insert. Default 500. */
  batchSize?: number;
  /** Longest a record waits in memory before it is written, ms. Default 100. */
  flushIntervalMs?: number;
  /** Records waiting in memory at most (the database keeping up); past this the oldest are dropped. Default 100000. */
  maxBacklog?: number;
  /** Where records go while the database fails. Default: in memory (lost on exit). */
  spool?: Spool;
  /** Longest wait between retries, ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** Told about each failed write (the records stay queued). */
  onError?: (error: unknown) => void;
}

/** Delivery state, as /healthz reports it. */
export interface StoreSinkStats {
  /** Records not yet in the database (queued and spooled). */
  backlog: number;
  /** Of those, held in the spool. */
  spooled: number;
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
  const spool = options.spool ?? memorySpool();
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

  function failed(error: unknown): void {
    state.failures++;
    state.lastError = error instanceof Error ? error.message : String(error);
    options.onError?.(error);
    // Try again later, backing off while the database stays down.
    schedule(Math.min(maxRetryDelayMs, flushIntervalMs * 2 ** Math.min(state.failures, 10)));
  }

  function succeeded(count: number): void {
    state.written += count;
    state.failures = 0;
    state.lastError = null;
  }

  async function writeQueued(): Promise<void> {
    // The spool holds older records than the queue: replay it first, a page at a time, each
    // page written moving the spool past it (a failure resumes there, not at the start).
    while (spool.size() > 0) {
      const page = spool.peek(batchSize);
      try {
        if (page.length > 0) await store.insert(page);
      } catch (error) {
        state.dropped += spool.append(queue.splice(0, queue.length));
        failed(error);
        return;
      }
      spool.advance();
      succeeded(page.length);
    }
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await store.insert(batch);
      } catch (error) {
        state.dropped += spool.append(queue.splice(0, queue.length));
        failed(error);
        return;
      }
      queue.splice(0, batch.length);
      succeeded(batch.length);
    }
  }

  function drain(): Promise<void> {
    running ??= writeQueued().finally(() => {
      running = null;
    });
    return running;
  }

  // Records spooled by an earlier run are written as soon as the database takes them.
  if (spool.size() > 0) schedule(0);

  return {
    write(records) {
      queue.push(...records);
      if (queue.length > maxBacklog) state.dropped += queue.splice(0, queue.length - maxBacklog).length;
      if (queue.length >= batchSize && state.failures === 0) void drain();
      else schedule(flushIntervalMs);
    },
    async flush() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await drain();
      // A write that arrived while draining is picked up too.
      if (queue.length > 0 && state.failures === 0) await drain();
      // Whatever the database would not take is kept for the next start.
      if (queue.length > 0) state.dropped += spool.append(queue.splice(0, queue.length));
    },
    async close() {
      await this.flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    stats: () => ({
      backlog: queue.length + spool.size(),
      spooled: spool.size(),
      written: state.written,
      dropped: state.dropped,
      lastError: state.lastError,
    }),
  };
}
