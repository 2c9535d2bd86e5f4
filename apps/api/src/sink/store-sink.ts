/**
 * The gateway's sink: batches records into the store (a record is queryable within
 * ~`flushIntervalMs`). When the database fails, the queue moves to the spool (on disk on
 * Node) and is replayed with backoff once the database answers again; inserts skip known
 * ids, so a replay never duplicates. Every record refused by a full spool or queue, or
 * lost to a spool that cannot be written (a full disk), is counted as dropped for /healthz;
 * nothing here throws, whatever the database or the disk does. A failure episode is logged
 * once when it starts and once when writes resume, not once per retry.
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '@ollama-perf/middleware';
import { writeFailureReason } from '../storage/disk-full.js';
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
  /** Told when writes start failing (the records are spooled); not again until a write succeeds. */
  onError?: (error: unknown) => void;
  /**
   * Told, in one line each, what else an operator should know: writes resumed, records
   * dropped because the spool cannot be written (once per episode), spooled lines kept aside.
   */
  onNotice?: (message: string) => void;
}

/** Delivery state, as /healthz reports it. */
export interface StoreSinkStats {
  /** Records not yet in the database (queued and spooled). */
  backlog: number;
  /** Of those, held in the spool. */
  spooled: number;
  written: number;
  dropped: number;
  /** Spooled lines that were no record of any version, kept aside in the spool's rejected file. */
  rejected: number;
  lastError: string | null;
  /** Why storage is degraded (writes failing, records dropped), or null while it works. */
  degraded: string | null;
}

/** A {@link MetricSink} that writes to a {@link MetricStore}. */
export interface StoreSink extends MetricSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): StoreSinkStats;
  /**
   * Records taken by `write` that have left memory since the sink was made — written, spooled
   * or dropped (counted); in the order written. The storage thread reports it so that its
   * client knows which posted records a crash of the thread would lose.
   */
  settled(): number;
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
  const state = {
    written: 0,
    dropped: 0,
    lastError: null as string | null,
    failures: 0,
    // Set while the spool cannot be written (records are dropped): why.
    spoolError: null as string | null,
    settled: 0,
  };
  const notice = options.onNotice ?? (() => {});
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
    state.lastError = writeFailureReason(error);
    if (state.failures === 1) options.onError?.(error);
    // Try again later, backing off while the database stays down.
    schedule(Math.min(maxRetryDelayMs, flushIntervalMs * 2 ** Math.min(state.failures, 10)));
  }

  function succeeded(count: number): void {
    state.written += count;
    if (state.failures > 0) notice(`storage writes resumed after ${state.failures} failed attempt(s)`);
    state.failures = 0;
    state.lastError = null;
    // Records reach the database again: none is dropped, whether or not the spool could take one now.
    state.spoolError = null;
  }

  /** Moves records to the spool; when it cannot take them (a full disk), they are dropped and counted. */
  function keep(records: RequestMetric[]): void {
    if (records.length === 0) return;
    state.settled += records.length;
    try {
      state.dropped += spool.append(records);
      if (state.spoolError !== null) notice('the spool takes records again');
      state.spoolError = null;
    } catch (error) {
      state.dropped += records.length;
      if (state.spoolError === null)
        notice(`cannot write the spool, records are dropped until it can: ${writeFailureReason(error)}`);
      state.spoolError = writeFailureReason(error);
    }
  }

  /** Writes one spooled page and moves the spool past it (its unreadable lines kept aside). */
  async function replayPage(): Promise<number> {
    const page = spool.peek(batchSize);
    if (page.length > 0) await store.insert(page);
    const rejectedBefore = spool.rejected();
    spool.advance();
    const kept = spool.rejected() - rejectedBefore;
    if (kept > 0)
      notice(`${kept} spooled line(s) are not records of any version; kept aside in ${spool.rejectedPath ?? 'memory'}`);
    return page.length;
  }

  async function writeQueued(): Promise<void> {
    // The spool holds older records than the queue: replay it first, a page at a time, each
    // page written moving the spool past it (a failure resumes there, not at the start).
    while (spool.size() > 0) {
      let written: number;
      try {
        written = await replayPage();
      } catch (error) {
        keep(queue.splice(0, queue.length));
        failed(error);
        return;
      }
      succeeded(written);
    }
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await store.insert(batch);
      } catch (error) {
        keep(queue.splice(0, queue.length));
        failed(error);
        return;
      }
      queue.splice(0, batch.length);
      state.settled += batch.length;
      succeeded(batch.length);
    }
  }

  function degraded(): string | null {
    if (state.spoolError !== null) return `records are dropped: cannot write the spool: ${state.spoolError}`;
    if (state.failures > 0) return `storage writes fail, records wait in the spool: ${state.lastError}`;
    return null;
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
      if (queue.length > maxBacklog) {
        const dropped = queue.splice(0, queue.length - maxBacklog).length;
        state.dropped += dropped;
        state.settled += dropped;
      }
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
      keep(queue.splice(0, queue.length));
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
      rejected: spool.rejected(),
      lastError: state.lastError,
      degraded: degraded(),
    }),
    settled: () => state.settled,
  };
}
