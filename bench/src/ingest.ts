/**
 * Ingest: records/s into SQLite and PostgreSQL along the app's three write paths —
 * `POST /ingest` with batches of 1,000 (HTTP + JSON + zod + insert, the gateway in its own
 * process; sequential and 4 requests in flight), the middleware's sink path (`storeSink`
 * fed one record per `write`, as one proxied request does), and, as the baseline measured in
 * the same run, `MetricStore.insert` called directly with the same batches. The paths take
 * turns, round after round, on the same growing table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { RequestMetric } from '@ollama-perf/core';
import { storeSink } from '../../apps/api/src/sink/store-sink.ts';
import { openStore } from '../../apps/api/src/storage/open-node.ts';
import type { MetricStore } from '../../apps/api/src/storage/store.ts';
import { startTestPostgres, type TestPostgres } from '../../apps/api/test/support/postgres.ts';
import { runLoad } from './load.js';
import type { Log, Mode } from './mode.js';
import { historySlice } from './records.js';
import { median } from './sample-stats.js';
import { spawnServer } from './server-process.js';

/** The write paths measured. */
export const INGEST_PATHS = [
  { name: 'store-insert', label: 'MetricStore.insert, batches (baseline)' },
  { name: 'ingest-seq', label: 'POST /ingest, sequential' },
  { name: 'ingest-c4', label: 'POST /ingest, 4 in flight' },
  { name: 'sink', label: 'storeSink, one record per write (middleware path)' },
] as const;
/** One of {@link INGEST_PATHS}. */
export type IngestPathName = (typeof INGEST_PATHS)[number]['name'];

/** Sizes of an ingest run. */
export interface IngestSizes {
  /** Records per `/ingest` request and per direct insert. */
  batchSize: number;
  /** Batches per path and round. */
  batches: number;
  rounds: number;
  backends: Array<'sqlite' | 'postgres'>;
}

/** Presets per mode. */
export const INGEST_SIZES: Record<Mode, IngestSizes> = {
  tiny: { batchSize: 10, batches: 3, rounds: 1, backends: ['sqlite', 'postgres'] },
  quick: { batchSize: 1000, batches: 3, rounds: 1, backends: ['sqlite', 'postgres'] },
  default: { batchSize: 1000, batches: 20, rounds: 3, backends: ['sqlite', 'postgres'] },
  full: { batchSize: 1000, batches: 50, rounds: 5, backends: ['sqlite', 'postgres'] },
};

/** The figures of one path on one backend. */
export interface IngestMeasurement {
  backend: 'sqlite' | 'postgres';
  path: IngestPathName;
  /** Records/s per round. */
  rates: number[];
  /** Median over rounds, records/s. */
  rate: number;
  /** Median over rounds of rate / baseline rate in the same round. */
  vsBaseline: number;
  /** Records the path failed to store (HTTP errors, sink drops). */
  lost: number;
}

/** Result of {@link runIngest}. */
export interface IngestResult {
  sizes: IngestSizes;
  measurements: IngestMeasurement[];
  /** Rows in each table at the end, checked against what was sent. */
  stored: Partial<Record<'sqlite' | 'postgres', { expected: number; actual: number }>>;
}

async function measureBackend(
  backend: 'sqlite' | 'postgres',
  databaseUrl: string,
  sizes: IngestSizes,
  log: Log,
): Promise<{ measurements: IngestMeasurement[]; expected: number; actual: number }> {
  const perRun = sizes.batchSize * sizes.batches;
  const store = await openStore(databaseUrl);
  const gateway = await spawnServer({ kind: 'gateway', upstream: 'http://127.0.0.1:9', databaseUrl, sink: 'noop' });
  const rates = new Map<IngestPathName, number[]>(INGEST_PATHS.map((p) => [p.name, []]));
  const lost = new Map<IngestPathName, number>(INGEST_PATHS.map((p) => [p.name, 0]));
  let sent = 0;
  try {
    await store.db.deleteFrom('request_metrics').execute();
    for (let round = 0; round < sizes.rounds; round++) {
      for (const [p, path] of INGEST_PATHS.entries()) {
        // Fresh ids for every path and round: nothing is skipped as a duplicate.
        const records = historySlice(
          { total: perRun, seed: 1000 * round + p, idPrefix: `${backend}-${round}-${path.name}` },
          perRun,
        );
        const batches: RequestMetric[][] = [];
        for (let i = 0; i < records.length; i += sizes.batchSize) batches.push(records.slice(i, i + sizes.batchSize));
        const rate = await writeAlong(path.name, batches, store, gateway.url, (n) =>
          lost.set(path.name, (lost.get(path.name) ?? 0) + n),
        );
        rates.get(path.name)?.push(rate);
        sent += records.length;
      }
      log(`ingest: ${backend} round ${round + 1}/${sizes.rounds} done`);
    }
    const actual = await store.count();
    const baseline = rates.get('store-insert') ?? [];
    const measurements = INGEST_PATHS.map(({ name }) => {
      const mine = rates.get(name) ?? [];
      return {
        backend,
        path: name,
        rates: mine,
        rate: median(mine),
        vsBaseline: median(mine.map((rate, i) => rate / (baseline[i] as number))),
        lost: lost.get(name) ?? 0,
      };
    });
    return { measurements, expected: sent, actual };
  } finally {
    await gateway.stop();
    await store.close();
  }
}

async function writeAlong(
  path: IngestPathName,
  batches: RequestMetric[][],
  store: MetricStore,
  gatewayUrl: string,
  onLost: (n: number) => void,
): Promise<number> {
  const total = batches.reduce((n, b) => n + b.length, 0);
  if (path === 'store-insert') {
    const started = performance.now();
    for (const batch of batches) await store.insert(batch);
    return total / ((performance.now() - started) / 1000);
  }
  if (path === 'sink') {
    const sink = storeSink(store);
    const started = performance.now();
    let written = 0;
    for (const batch of batches) {
      for (const record of batch) {
        sink.write([record]);
        // Records arrive one request at a time: let the sink's batches drain meanwhile.
        if (++written % 100 === 0) await yieldToLoop();
      }
    }
    await sink.close();
    const seconds = (performance.now() - started) / 1000;
    onLost(sink.stats().dropped + sink.stats().backlog);
    return total / seconds;
  }
  // The bodies are serialized before the clock starts: the client's cost is not the server's.
  const bodies = batches.map((batch) => JSON.stringify(batch));
  const run = await runLoad({
    url: `${gatewayUrl}/ingest`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: (i) => bodies[i] as string,
    concurrency: path === 'ingest-c4' ? 4 : 1,
    maxRequests: bodies.length,
    requestTimeoutMs: 600_000,
  });
  onLost(run.errors * (batches[0]?.length ?? 0));
  return (run.requests * (batches[0]?.length ?? 0)) / (run.elapsedMs / 1000);
}

/**
 * Runs the ingest benchmark on each backend of `sizes` (PostgreSQL: embedded, started here).
 *
 * @example
 * const { measurements } = await runIngest(INGEST_SIZES.quick, console.log);
 */
export async function runIngest(sizes: IngestSizes, log: Log): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-ingest-'));
  let postgres: TestPostgres | null = null;
  const measurements: IngestMeasurement[] = [];
  const stored: IngestResult['stored'] = {};
  try {
    for (const backend of sizes.backends) {
      let url: string;
      if (backend === 'sqlite') url = `sqlite:${join(dir, 'ingest.sqlite')}`;
      else {
        log('ingest: starting embedded PostgreSQL');
        postgres = await startTestPostgres();
        url = postgres.url;
      }
      const result = await measureBackend(backend, url, sizes, log);
      measurements.push(...result.measurements);
      stored[backend] = { expected: result.expected, actual: result.actual };
    }
    return { sizes, measurements, stored };
  } finally {
    await postgres?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
