/**
 * The isolation section's loads: an import through `POST /ingest` of several synthetic
 * histories at once (past days and the current hour, their batches interleaved so both kinds
 * arrive throughout), generated batch by batch as the requests go (a million records
 * serialized up front would be ~560 MB in this process), and `/stats` + `/stats/:model`
 * asked in a loop.
 */
import type { RequestMetric } from '@ollama-perf/core';
import { runLoad, timedRequest } from './load.js';
import { type HistoryOptions, syntheticHistory } from './records.js';
import { type LatencySummary, summarizeLatencies } from './sample-stats.js';

/** How an import went. */
export interface ImportRun {
  /** Records in the batches sent. */
  sent: number;
  /** Records in batches that were not answered 200 (lost). */
  lost: number;
  seconds: number;
  /** Records sent per model (to compare with what `/stats` counts). */
  byModel: Record<string, number>;
  firstError: string | null;
}

/**
 * Which of several sources the next batch comes from: the one furthest behind its share, so
 * that sources of different sizes finish together; -1 when all are done.
 *
 * @example
 * nextSource([0, 0], [250, 100]) // 0
 * nextSource([1, 0], [250, 100]) // 1
 */
export function nextSource(sent: readonly number[], totals: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i] as number;
    if ((sent[i] as number) >= total) continue;
    if (best === -1 || (sent[i] as number) / total < (sent[best] as number) / (totals[best] as number)) best = i;
  }
  return best;
}

/**
 * Sends the records of `histories` to `${url}/ingest` in batches of `batchSize`, `inFlight`
 * requests at a time.
 *
 * @example
 * const run = await importHistories(gateway.url, [{ total: 250_000, startTs, spanMs }], 2000, 6);
 */
export async function importHistories(
  url: string,
  histories: HistoryOptions[],
  batchSize: number,
  inFlight: number,
): Promise<ImportRun> {
  const sources = histories.map((h) => syntheticHistory(h));
  const totals = histories.map((h) => Math.ceil(h.total / batchSize));
  const sentBatches = histories.map(() => 0);
  const sizes: number[] = [];
  const byModel: Record<string, number> = {};
  const nextBatch = (): string => {
    const source = nextSource(sentBatches, totals);
    sentBatches[source] = (sentBatches[source] as number) + 1;
    const batch: RequestMetric[] = [];
    // next(), not for…of: leaving a for…of with break would close the generator for good.
    const records = sources[source] as Generator<RequestMetric>;
    for (let next = records.next(); !next.done; next = records.next()) {
      batch.push(next.value);
      byModel[next.value.model] = (byModel[next.value.model] ?? 0) + 1;
      if (batch.length === batchSize) break;
    }
    sizes.push(batch.length);
    return JSON.stringify(batch);
  };
  const batches = totals.reduce((a, b) => a + b, 0);
  const run = await runLoad({
    url: `${url}/ingest`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Workers ask for bodies in index order, one at a time: the next batch is the next index.
    body: () => nextBatch(),
    concurrency: inFlight,
    maxRequests: batches,
    requestTimeoutMs: 600_000,
  });
  const sent = sizes.reduce((a, b) => a + b, 0);
  // Batches are equal but for each source's last: losing any batch loses about batchSize.
  return {
    sent,
    lost: run.errors === 0 ? 0 : Math.min(sent, run.errors * batchSize),
    seconds: run.elapsedMs / 1000,
    byModel,
    firstError: run.firstError,
  };
}

/** Latencies of `/stats` and `/stats/:model` asked in turn. */
export interface StatsLoopRun {
  summary: LatencySummary;
  model: LatencySummary;
  errors: number;
}

/**
 * Asks `/stats` then `/stats/:model`, again and again, for `durationMs` (a request started
 * before the end is waited for).
 */
export async function statsLoop(url: string, model: string, durationMs: number): Promise<StatsLoopRun> {
  const summary: number[] = [];
  const modelMs: number[] = [];
  let errors = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    for (const [path, into] of [
      ['/stats', summary],
      [`/stats/${encodeURIComponent(model)}`, modelMs],
    ] as const) {
      const response = await timedRequest({ url: url + path, requestTimeoutMs: 600_000 });
      if (response.status === 200) into.push(response.latencyMs);
      else errors++;
    }
  }
  return { summary: summarizeLatencies(summary), model: summarizeLatencies(modelMs), errors };
}
