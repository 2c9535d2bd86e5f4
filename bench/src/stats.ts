/**
 * Stats latency: how long `GET /stats` and `GET /stats/:model` take with 100k, 1M and 10M
 * records in SQLite and 100k in PostgreSQL (1M too in `full` mode), served by the gateway in
 * its own process after the store has built its rollups. Every answer is also checked against an exact computation made outside the app —
 * from the generated records themselves, with this package's own percentile code — and the
 * relative error of every percentile is reported: the guard that keeps the rollups' sketches
 * within the 1% DESIGN.md allows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RequestMetric, STAT_FIELDS, type StatField, statValueOf } from '@ollama-perf/core';
import { startTestPostgres, type TestPostgres } from '../../apps/api/test/support/postgres.ts';
import { buildRollups, fillPostgres, fillSqlite } from './fill.js';
import { timedRequest } from './load.js';
import type { Log, Mode } from './mode.js';
import { MODELS } from './records.js';
import { median, percentileOfSorted, relativeError } from './sample-stats.js';
import { processMemory, spawnServer } from './server-process.js';

/** One database size to measure. */
export interface StatsSize {
  backend: 'sqlite' | 'postgres';
  records: number;
  /** Timed requests per route (the median is reported). */
  runs: number;
  /** One unmeasured request per route first (page cache, JIT). Skipped where one request takes minutes. */
  warmup: boolean;
}

/** Sizes of a stats run. */
export interface StatsSizes {
  sizes: StatsSize[];
  /** Longest one stats request may take, ms. */
  requestTimeoutMs: number;
}

/**
 * Presets per mode. The 10M SQLite fill and its rollup build take ~12 min on the 2-core
 * machine (the build reads every record once, as a gateway catching up would); PostgreSQL
 * fills through the store's own inserts (~10k records/s), so its 1M size is in --full only.
 */
export const STATS_SIZES: Record<Mode, StatsSizes> = {
  tiny: {
    sizes: [
      { backend: 'sqlite', records: 300, runs: 1, warmup: true },
      { backend: 'postgres', records: 300, runs: 1, warmup: true },
    ],
    requestTimeoutMs: 60_000,
  },
  quick: {
    sizes: [
      { backend: 'sqlite', records: 10_000, runs: 3, warmup: true },
      { backend: 'postgres', records: 10_000, runs: 3, warmup: true },
    ],
    requestTimeoutMs: 120_000,
  },
  default: {
    sizes: [
      { backend: 'sqlite', records: 100_000, runs: 7, warmup: true },
      { backend: 'sqlite', records: 1_000_000, runs: 7, warmup: true },
      { backend: 'sqlite', records: 10_000_000, runs: 7, warmup: true },
      { backend: 'postgres', records: 100_000, runs: 7, warmup: true },
    ],
    requestTimeoutMs: 300_000,
  },
  full: {
    sizes: [
      { backend: 'sqlite', records: 100_000, runs: 11, warmup: true },
      { backend: 'sqlite', records: 1_000_000, runs: 11, warmup: true },
      { backend: 'sqlite', records: 10_000_000, runs: 11, warmup: true },
      { backend: 'postgres', records: 100_000, runs: 11, warmup: true },
      { backend: 'postgres', records: 1_000_000, runs: 11, warmup: true },
    ],
    requestTimeoutMs: 600_000,
  },
};

/** The model `/stats/:model` is asked about (the most frequent one). */
export const STATS_MODEL = MODELS[0];

/** How far the served percentiles are from the exact ones. */
export interface AccuracyCheck {
  /** Percentiles compared (p50, p95, p99 of every stat field, overall, per model, and of /stats/:model). */
  compared: number;
  maxRelativeError: number;
  meanRelativeError: number;
  /** Where the largest error was, e.g. `by_model.llama3.2.latency_ms.p99`. */
  worst: string | null;
  /** Counts that differ (a record lost or double-counted). */
  countMismatches: number;
}

/** Latency of one route at one size. */
export interface RouteTiming {
  /** Every run, ms. */
  runsMs: number[];
  medianMs: number;
  /** Set when the route did not answer (e.g. the gateway ran out of memory). */
  failure: string | null;
}

/** The figures of one database size. */
export interface StatsMeasurement extends StatsSize {
  /** Records/s of the fill (not the app's write path: see ingest). */
  fillRate: number;
  /** Records/s folded into rollups by the store's own build (hours from records, days from hours). */
  rollupRate: number;
  summary: RouteTiming;
  model: RouteTiming;
  accuracy: AccuracyCheck | null;
  /** Peak RSS of the gateway process while it answered (VmHWM), bytes. */
  gatewayPeakRss: number;
}

/** Result of {@link runStats}. */
export interface StatsResult {
  measurements: StatsMeasurement[];
}

/** Values of each stat field over a group of records, collected as the records are generated. */
export class ExactValues {
  readonly values = new Map<StatField, number[]>(STAT_FIELDS.map((f) => [f, []]));
  count = 0;

  /** Adds one record's values. */
  add(record: RequestMetric): void {
    this.count++;
    for (const field of STAT_FIELDS) {
      const value = statValueOf(record, field);
      if (typeof value === 'number' && Number.isFinite(value)) (this.values.get(field) as number[]).push(value);
    }
  }

  /** Exact p50/p95/p99 of one field (R-7, computed here, not by core). */
  percentiles(field: StatField): { count: number; p50: number; p95: number; p99: number } {
    const sorted = Float64Array.from(this.values.get(field) as number[]).sort();
    return {
      count: sorted.length,
      p50: percentileOfSorted(sorted, 50),
      p95: percentileOfSorted(sorted, 95),
      p99: percentileOfSorted(sorted, 99),
    };
  }
}

type ServedStat = { count: number; p50: number | null; p95: number | null; p99: number | null };
type ServedGroup = { requests: number } & Partial<Record<StatField, ServedStat>>;

function compare(
  path: string,
  served: ServedGroup | undefined,
  exact: ExactValues,
  into: { errors: Array<{ where: string; error: number }>; countMismatches: number },
): void {
  if (served === undefined || served.requests !== exact.count) into.countMismatches++;
  for (const field of STAT_FIELDS) {
    const want = exact.percentiles(field);
    const got = served?.[field];
    if (got === undefined || got.count !== want.count) into.countMismatches++;
    if (want.count === 0) continue;
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const value = got?.[p];
      const error = typeof value === 'number' ? relativeError(value, want[p]) : Number.POSITIVE_INFINITY;
      into.errors.push({ where: `${path}${field}.${p}`, error });
    }
  }
}

/**
 * Compares a `/stats` answer and a `/stats/:model` answer with exact figures.
 * Exported for the tests, which feed it known answers.
 */
export function checkAccuracy(
  summary: unknown,
  modelSummary: unknown,
  all: ExactValues,
  byModel: Map<string, ExactValues>,
): AccuracyCheck {
  const into = { errors: [] as Array<{ where: string; error: number }>, countMismatches: 0 };
  const served = summary as ServedGroup & { by_model?: Record<string, ServedGroup> };
  compare('', served, all, into);
  for (const [model, exact] of byModel) compare(`by_model.${model}.`, served.by_model?.[model], exact, into);
  const modelExact = byModel.get(STATS_MODEL);
  if (modelExact !== undefined) compare(`/stats/${STATS_MODEL} `, modelSummary as ServedGroup, modelExact, into);
  let worst: { where: string; error: number } | null = null;
  let sum = 0;
  for (const e of into.errors) {
    sum += e.error;
    if (worst === null || e.error > worst.error) worst = e;
  }
  return {
    compared: into.errors.length,
    maxRelativeError: worst?.error ?? 0,
    meanRelativeError: into.errors.length === 0 ? 0 : sum / into.errors.length,
    worst: worst === null || worst.error === 0 ? null : worst.where,
    countMismatches: into.countMismatches,
  };
}

/** Collects exact values overall and per model, for {@link checkAccuracy}. */
export function exactCollector(): {
  all: ExactValues;
  byModel: Map<string, ExactValues>;
  add(record: RequestMetric): void;
} {
  const all = new ExactValues();
  const byModel = new Map<string, ExactValues>();
  return {
    all,
    byModel,
    add(record) {
      all.add(record);
      let group = byModel.get(record.model);
      if (group === undefined) {
        group = new ExactValues();
        byModel.set(record.model, group);
      }
      group.add(record);
    },
  };
}

/** Times `runs` GET requests of `url` one after the other (fresh connection each); resolves with the timings and the last body. */
export async function timeRoute(
  url: string,
  runs: number,
  timeoutMs: number,
): Promise<{ timing: RouteTiming; body: unknown }> {
  const runsMs: number[] = [];
  let body: unknown = null;
  try {
    for (let i = 0; i < runs; i++) {
      const response = await timedRequest({ url, requestTimeoutMs: timeoutMs });
      if (response.status !== 200)
        throw new Error(`status ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
      runsMs.push(response.latencyMs);
      if (i === runs - 1) body = JSON.parse(response.body.toString('utf8'));
    }
    return { timing: { runsMs, medianMs: median(runsMs), failure: null }, body };
  } catch (error) {
    return {
      timing: {
        runsMs,
        medianMs: runsMs.length === 0 ? Number.NaN : median(runsMs),
        failure: (error as Error).message,
      },
      body,
    };
  }
}

async function measure(
  size: StatsSize,
  databaseUrl: string,
  fill: (visit: (r: RequestMetric) => void) => Promise<number>,
  timeoutMs: number,
  log: Log,
): Promise<StatsMeasurement> {
  const exact = exactCollector();
  log(`stats: filling ${size.backend} with ${size.records.toLocaleString('en-US')} records`);
  const fillRate = await fill((record) => exact.add(record));
  log(`stats: building rollups`);
  const rollupRate = await buildRollups(databaseUrl, size.records);
  // Rollups answer at every size, the tiny ones of the tests too (from 10k records on they would anyway).
  const gateway = await spawnServer({
    kind: 'gateway',
    upstream: 'http://127.0.0.1:9',
    databaseUrl,
    sink: 'noop',
    statsExactUpTo: 0,
  });
  try {
    log(
      `stats: ${size.backend} ${size.records.toLocaleString('en-US')} — ${size.warmup ? 'warm-up and ' : ''}${size.runs} timed run(s) per route`,
    );
    const modelUrl = `${gateway.url}/stats/${encodeURIComponent(STATS_MODEL)}`;
    const timed = async (url: string) => {
      if (size.warmup) {
        const warm = await timeRoute(url, 1, timeoutMs);
        if (warm.timing.failure !== null) return warm;
      }
      return timeRoute(url, size.runs, timeoutMs);
    };
    const summary = await timed(`${gateway.url}/stats`);
    // A gateway that died on /stats (out of memory) cannot answer the next route either.
    const model =
      summary.timing.failure === null
        ? await timed(modelUrl)
        : { timing: { runsMs: [], medianMs: Number.NaN, failure: 'not run: /stats failed' }, body: null };
    const accuracy =
      summary.body !== null && model.body !== null
        ? checkAccuracy(summary.body, model.body, exact.all, exact.byModel)
        : null;
    let gatewayPeakRss = Number.NaN;
    try {
      gatewayPeakRss = processMemory(gateway.pid).hwm;
    } catch {
      // The process is gone (it died answering): no figure.
    }
    return { ...size, fillRate, rollupRate, summary: summary.timing, model: model.timing, accuracy, gatewayPeakRss };
  } finally {
    await gateway.stop();
  }
}

/**
 * Runs the stats benchmark for each size: fills a fresh database, starts the gateway on it,
 * times the routes, checks the answers.
 *
 * @example
 * const { measurements } = await runStats(STATS_SIZES.quick, console.log);
 */
export async function runStats(sizes: StatsSizes, log: Log): Promise<StatsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-stats-'));
  let postgres: TestPostgres | null = null;
  const measurements: StatsMeasurement[] = [];
  try {
    for (const [i, size] of sizes.sizes.entries()) {
      const history = { total: size.records, seed: 42 + i, idPrefix: `s${i}` };
      if (size.backend === 'sqlite') {
        const path = join(dir, `stats-${size.records}.sqlite`);
        measurements.push(
          await measure(
            size,
            `sqlite:${path}`,
            (visit) => fillSqlite(path, history, visit),
            sizes.requestTimeoutMs,
            log,
          ),
        );
        rmSync(path, { force: true });
      } else {
        log('stats: starting embedded PostgreSQL');
        postgres ??= await startTestPostgres();
        const url = postgres.url;
        measurements.push(
          await measure(size, url, (visit) => fillPostgres(url, history, visit), sizes.requestTimeoutMs, log),
        );
      }
    }
    return { measurements };
  } finally {
    await postgres?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
