/**
 * An HTTP sink: batches records and POSTs them to an ollama-perf API's `/ingest`. Edge-safe
 * (fetch and timers only). The queue is bounded; failed batches are retried with
 * exponential backoff; ids make retries idempotent (the API ignores duplicates). A gateway
 * of an older record version stores what it knows and names the fields it ignored; the sink
 * tells `onError` once per field, so the loss is seen (docs/compatibility.md).
 */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricErrorHandler, MetricSink } from '../sink.js';
import { logMetricError } from '../sink.js';

/** Options of {@link httpSink}. */
export interface HttpSinkOptions {
  /** Ingest URL, e.g. `http://127.0.0.1:11435/ingest`. */
  url: string;
  /** Bearer token (the API's `API_TOKEN`); `undefined` sends none, so `process.env.API_TOKEN` can be passed as is. */
  token?: string | undefined;
  /** Records per POST. Default 100. */
  batchSize?: number;
  /** Longest a record waits before its batch is sent, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Records held at most; past this the oldest are dropped and reported. Default 10000. */
  maxQueue?: number;
  /** Attempts per batch before it is dropped. Default 5. */
  maxAttempts?: number;
  /** First retry delay, ms; doubles each attempt. Default 200. */
  retryDelayMs?: number;
  /**
   * Called when a batch is dropped, records overflow, or the API ignored fields it does not
   * know (once per field). Default: one console line.
   */
  onError?: MetricErrorHandler;
  /** The fetch to use. Default: global `fetch`. */
  fetch?: typeof fetch;
}

/** An {@link httpSink} with its delivery counters. */
export interface HttpSink extends MetricSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Records accepted by the API, dropped (after retries or overflow), and waiting. */
  stats(): { sent: number; dropped: number; queued: number };
}

/**
 * Batches records to `/ingest`. `write` only enqueues (it never waits on the network);
 * `flush()` sends everything queued; `close()` flushes and stops the timer.
 *
 * @example
 * const sink = httpSink({ url: 'http://127.0.0.1:11435/ingest', token: process.env.API_TOKEN });
 */
export function httpSink(options: HttpSinkOptions): HttpSink {
  const batchSize = options.batchSize ?? 100;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const maxQueue = options.maxQueue ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const onError = options.onError ?? logMetricError;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

  const queue: RequestMetric[] = [];
  let sent = 0;
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> = Promise.resolve();
  const ignoredFields = new Set<string>();

  /** Tells, once per field, what an older gateway ignored of the records it stored. */
  async function noteIgnored(res: Response, batch: RequestMetric[]): Promise<void> {
    const answer = (await res.json().catch(() => null)) as {
      ignored_fields?: unknown;
      schema_version?: unknown;
    } | null;
    const fields = Array.isArray(answer?.ignored_fields) ? answer.ignored_fields.map(String) : [];
    const fresh = fields.filter((field) => !ignoredFields.has(field));
    if (fresh.length === 0) return;
    for (const field of fresh) ignoredFields.add(field);
    const version = typeof answer?.schema_version === 'number' ? ` (record version ${answer.schema_version})` : '';
    onError(
      new Error(`the API${version} stored the records without field(s) ${fresh.join(', ')}: upgrade it to keep them`),
      batch[0],
    );
  }

  async function post(batch: RequestMetric[]): Promise<void> {
    let problem = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 2)));
      let res: Response;
      try {
        res = await doFetch(options.url, { method: 'POST', headers, body: JSON.stringify(batch) });
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
        continue;
      }
      const status = res.status;
      if (status >= 200 && status < 300) {
        sent += batch.length;
        // Stored already: whatever reading the answer does, the batch is not sent again.
        await noteIgnored(res, batch).catch(() => undefined);
        return;
      }
      await res.body?.cancel().catch(() => undefined);
      problem = `ingest answered ${status}`;
      // A 4xx other than 408/429 will not get better by retrying.
      if (status < 500 && status !== 408 && status !== 429) break;
    }
    dropped += batch.length;
    onError(new Error(`dropped ${batch.length} records: ${problem}`), batch[0]);
  }

  function drain(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    sending = sending.then(async () => {
      while (queue.length > 0) await post(queue.splice(0, batchSize));
    });
    return sending;
  }

  return {
    write(records) {
      queue.push(...records);
      if (queue.length > maxQueue) {
        const overflow = queue.splice(0, queue.length - maxQueue);
        dropped += overflow.length;
        onError(new Error(`queue full: dropped the ${overflow.length} oldest records`), overflow[0]);
      }
      if (queue.length >= batchSize) void drain();
      else if (timer === undefined) timer = setTimeout(() => void drain(), flushIntervalMs);
    },
    flush: drain,
    close: drain,
    stats: () => ({ sent, dropped, queued: queue.length }),
  };
}
