/**
 * Isolation (issue #14): does storage work ever reach the user's proxied requests? The built
 * gateway (`ollama-perf serve`, storage on its own thread, SQLite file) runs in its own
 * process in front of a stand-in Ollama; a probe in a third process times non-streamed
 * `/api/generate` requests one after another while the gateway is idle (the baseline) and
 * while it (a) takes an import through `/ingest` and then answers `/stats` in a loop,
 * (b) replays a spool left by an earlier run, (c) rebuilds every rollup of a large database,
 * and while it takes a large import and answers its first `/stats`. Every phase gets a freshly
 * started gateway, so that the event-loop delay it reports (a 60 s window from its start, see
 * `delay-windows.ts`) covers that phase alone; the gateway's peak RSS is read throughout.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOUR_MS } from '@ollama-perf/core';
import { type PhaseDelay, phaseDelay } from './delay-windows.js';
import { fillSqlite, markAllPeriods, pendingRollupPeriods } from './fill.js';
import { type GatewayWatch, watchGateway } from './gateway-watch.js';
import { type ImportRun, importHistories, type StatsLoopRun, statsLoop } from './import-load.js';
import { type LoadResult, timedRequest } from './load.js';
import type { Log, Mode } from './mode.js';
import { type Probe, startProbe } from './probe.js';
import { type HistoryOptions, syntheticHistory } from './records.js';
import { processCpuMs, type ServerProcess, spawnGateway, spawnServer } from './server-process.js';
import { type RouteTiming, STATS_MODEL, timeRoute } from './stats.js';

/** The phases, in run order. */
export const ISOLATION_PHASES = [
  { name: 'idle', label: 'idle (baseline)' },
  { name: 'import', label: '(a) import through /ingest, then /stats in a loop' },
  { name: 'replay', label: '(b) spool replay at start-up' },
  { name: 'rebuild', label: '(c) full rollup rebuild' },
  { name: 'fresh-import', label: 'large import, then /stats' },
] as const;
/** One of {@link ISOLATION_PHASES}. */
export type IsolationPhaseName = (typeof ISOLATION_PHASES)[number]['name'];

/** Sizes of an isolation run. */
export interface IsolationSizes {
  /** Length of the idle phase, ms. */
  idleMs: number;
  /** (a): records over the 3 days before the current hour, and in the current hour. */
  importPast: number;
  importHour: number;
  /** Records per `/ingest` request and requests in flight, in (a) and the large import. */
  batchSize: number;
  inFlight: number;
  /** (a): how long `/stats` and `/stats/:model` are asked in a loop after the import, ms. */
  statsLoopMs: number;
  /** (b): records in the spool. */
  spoolRecords: number;
  /** (c): records whose rollups are rebuilt, over this many days (hours to build: 24 per day). */
  rebuildRecords: number;
  rebuildDays: number;
  /** The large import: past days and current hour, then timed `/stats` calls per route. */
  freshPast: number;
  freshHour: number;
  statsRuns: number;
}

/** Presets per mode. */
export const ISOLATION_SIZES: Record<Mode, IsolationSizes> = {
  tiny: {
    idleMs: 500,
    importPast: 2_000,
    importHour: 1_000,
    batchSize: 500,
    inFlight: 2,
    statsLoopMs: 300,
    spoolRecords: 1_000,
    rebuildRecords: 3_000,
    rebuildDays: 1,
    freshPast: 2_000,
    freshHour: 1_000,
    statsRuns: 2,
  },
  quick: {
    idleMs: 5_000,
    importPast: 25_000,
    importHour: 10_000,
    batchSize: 2_000,
    inFlight: 6,
    statsLoopMs: 5_000,
    spoolRecords: 30_000,
    rebuildRecords: 300_000,
    rebuildDays: 30,
    freshPast: 70_000,
    freshHour: 30_000,
    statsRuns: 5,
  },
  default: {
    idleMs: 20_000,
    importPast: 250_000,
    importHour: 100_000,
    batchSize: 2_000,
    inFlight: 6,
    statsLoopMs: 20_000,
    spoolRecords: 300_000,
    rebuildRecords: 10_000_000,
    rebuildDays: 30,
    freshPast: 700_000,
    freshHour: 300_000,
    statsRuns: 20,
  },
  full: {
    idleMs: 40_000,
    importPast: 250_000,
    importHour: 100_000,
    batchSize: 2_000,
    inFlight: 6,
    statsLoopMs: 40_000,
    spoolRecords: 300_000,
    rebuildRecords: 10_000_000,
    rebuildDays: 30,
    freshPast: 700_000,
    freshHour: 300_000,
    statsRuns: 40,
  },
};

/** The probe's proxied requests during a phase, ms. */
export interface ProxiedFigures {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  firstError: string | null;
}

/** The figures of one phase. */
export interface IsolationPhase {
  name: IsolationPhaseName;
  seconds: number;
  proxied: ProxiedFigures;
  /** The proxy thread's event-loop delay, from `/healthz`, ms. */
  eventLoop: PhaseDelay;
  /** `/healthz` readings taken. */
  readings: number;
  /** Peak RSS of the gateway process (VmHWM, every thread), bytes. */
  peakRss: number;
  /** Largest anonymous RSS sampled (heaps, SQLite's cache; not mapped files), bytes. */
  peakAnon: number;
  /** CPU the gateway's main (proxy) thread and the whole gateway used, in cores (CPU time / wall time). */
  proxyThreadCores: number;
  gatewayCores: number;
}

/** The large import and the `/stats` calls right after it. */
export interface FreshImport {
  import: ImportRun;
  /** The first `/stats` after the last batch was answered, ms. */
  firstStatsMs: number;
  summary: RouteTiming;
  model: RouteTiming;
  /** Records counted by the first `/stats` (all but the probe's own) and by `/stats/:model`, against what was sent. */
  counted: { total: number | null; model: number | null };
  expected: { total: number; model: number };
}

/** Result of {@link runIsolation}. */
export interface IsolationResult {
  sizes: IsolationSizes;
  phases: IsolationPhase[];
  /** Phases that failed, with the message (their figures are missing). */
  failures: Partial<Record<IsolationPhaseName, string>>;
  import: (ImportRun & { stats: StatsLoopRun; hourRolledOver: boolean }) | null;
  replay: { records: number } | null;
  rebuild: { records: number; fillRate: number } | null;
  fresh: FreshImport | null;
}

// A model of its own: /stats can then tell the probe's records from the imported ones.
const PROBE_MODEL = 'isolation-probe';
const PROBE_BODY = JSON.stringify({ model: PROBE_MODEL, prompt: 'Why is the sky blue?', stream: false });
const DAY_MS = 24 * HOUR_MS;
// Longest a phase may wait for the gateway to finish its storage work.
const PHASE_LIMIT_MS = 3_600_000;

interface PhaseContext {
  probe: Probe;
  ollamaUrl: string;
  dir: string;
  log: Log;
}

async function waitFor(what: string, done: () => boolean, pollMs: number): Promise<void> {
  const deadline = performance.now() + PHASE_LIMIT_MS;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what}: not done within ${PHASE_LIMIT_MS / 60_000} min`);
    await sleep(pollMs);
  }
}

function proxiedOf(load: LoadResult): ProxiedFigures {
  return {
    requests: load.requests,
    errors: load.errors,
    p50: load.latency.p50,
    p99: load.latency.p99,
    max: load.latency.max,
    firstError: load.firstError,
  };
}

/**
 * Starts a gateway on the SQLite file `<name>.sqlite` of the run's folder, times proxied
 * requests and watches the gateway while `work` runs, then stops it.
 */
async function runPhase<T>(
  name: IsolationPhaseName,
  ctx: PhaseContext,
  work: (url: string, watch: GatewayWatch) => Promise<T>,
): Promise<{ phase: IsolationPhase; detail: T }> {
  const gateway = await spawnGateway({
    OLLAMA_URL: ctx.ollamaUrl,
    DATABASE_URL: `sqlite:${join(ctx.dir, `${name}.sqlite`)}`,
    SPOOL_PATH: join(ctx.dir, `${name}.spool.jsonl`),
  });
  // The gateway's event-loop monitor started just before it said it listens.
  const startedAt = performance.now();
  const pid = gateway.child.pid as number;
  // The main thread (tid = pid) proxies; storage work belongs on another thread.
  const cpuAtStart = { proxy: processCpuMs(pid, pid), all: processCpuMs(pid) };
  const watch = watchGateway(gateway.url, pid, startedAt);
  const stopProbe = ctx.probe.start(`${gateway.url}/api/generate`, PROBE_BODY);
  let load: LoadResult | null = null;
  try {
    ctx.log(`isolation: ${name}`);
    const detail = await work(gateway.url, watch);
    load = await stopProbe();
    const seconds = (performance.now() - startedAt) / 1000;
    const proxyThreadCores = (processCpuMs(pid, pid) - cpuAtStart.proxy) / 1000 / seconds;
    const gatewayCores = (processCpuMs(pid) - cpuAtStart.all) / 1000 / seconds;
    const { readings, peakRss, peakAnon } = await watch.stop();
    const proxied = proxiedOf(load);
    ctx.log(
      `isolation: ${name} done in ${seconds.toFixed(0)} s — proxied p50 ${proxied.p50.toFixed(2)} ms, p99 ${proxied.p99.toFixed(2)} ms, max ${proxied.max.toFixed(1)} ms, ${proxied.errors} errors; peak RSS ${(peakRss / 1e6).toFixed(0)} MB`,
    );
    return {
      phase: {
        name,
        seconds,
        proxied,
        eventLoop: phaseDelay(readings),
        readings: readings.length,
        peakRss,
        peakAnon,
        proxyThreadCores,
        gatewayCores,
      },
      detail,
    };
  } finally {
    if (load === null) await Promise.all([stopProbe(), watch.stop().catch(() => undefined)]);
    await gateway.stop();
  }
}

/** Past days and the current hour, as two histories (the current hour's records up to now). */
function pastAndHour(past: number, hour: number, prefix: string): HistoryOptions[] {
  const now = Date.now();
  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  return [
    { total: past, seed: 7, idPrefix: `${prefix}-past`, startTs: hourStart - 3 * DAY_MS, spanMs: 3 * DAY_MS },
    { total: hour, seed: 8, idPrefix: `${prefix}-hour`, startTs: hourStart, spanMs: Math.max(1, now - hourStart) },
  ];
}

/** Writes a spool file as the gateway leaves one (a JSON record per line) of `records` from the last day. */
function writeSpool(path: string, records: number): void {
  const lines: string[] = [];
  const history = syntheticHistory({
    total: records,
    seed: 9,
    idPrefix: 'spool',
    startTs: Date.now() - DAY_MS,
    spanMs: DAY_MS,
  });
  for (const record of history) {
    lines.push(JSON.stringify(record));
    if (lines.length === 10_000) appendFileSync(path, `${lines.splice(0).join('\n')}\n`);
  }
  if (lines.length > 0) appendFileSync(path, `${lines.join('\n')}\n`);
}

async function importThenStats(url: string, sizes: IsolationSizes): Promise<NonNullable<IsolationResult['import']>> {
  const hour = Math.floor(Date.now() / HOUR_MS);
  const histories = pastAndHour(sizes.importPast, sizes.importHour, 'import');
  const run = await importHistories(url, histories, sizes.batchSize, sizes.inFlight);
  const stats = await statsLoop(url, STATS_MODEL, sizes.statsLoopMs);
  return { ...run, stats, hourRolledOver: Math.floor(Date.now() / HOUR_MS) !== hour };
}

async function freshImport(url: string, sizes: IsolationSizes): Promise<FreshImport> {
  const histories = pastAndHour(sizes.freshPast, sizes.freshHour, 'fresh');
  const run = await importHistories(url, histories, sizes.batchSize, sizes.inFlight);
  const first = await timedRequest({ url: `${url}/stats`, requestTimeoutMs: 600_000 });
  const summary = await timeRoute(`${url}/stats`, sizes.statsRuns, 600_000);
  const model = await timeRoute(`${url}/stats/${encodeURIComponent(STATS_MODEL)}`, sizes.statsRuns, 600_000);
  type Counts = { requests?: number; by_model?: Record<string, { requests: number }> } | null;
  const requestsOf = (body: unknown) => (body as Counts)?.requests ?? null;
  // The first answer already has to count every record: /ingest answers once they are stored.
  const firstBody = first.status === 200 ? (JSON.parse(first.body.toString('utf8')) as Counts) : null;
  const probed = firstBody?.by_model?.[PROBE_MODEL]?.requests ?? 0;
  const total = requestsOf(firstBody);
  return {
    import: run,
    firstStatsMs: first.status === 200 ? first.latencyMs : Number.NaN,
    summary: summary.timing,
    model: model.timing,
    counted: { total: total === null ? null : total - probed, model: requestsOf(model.body) },
    expected: { total: run.sent, model: run.byModel[STATS_MODEL] ?? 0 },
  };
}

/**
 * Runs the isolation benchmark (builds `@ollama-perf/api` first when its dist is missing).
 *
 * @example
 * const { phases } = await runIsolation(ISOLATION_SIZES.quick, console.log);
 */
export async function runIsolation(sizes: IsolationSizes, log: Log): Promise<IsolationResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-isolation-'));
  let ollama: ServerProcess | null = null;
  let probe: Probe | null = null;
  try {
    // One write per answer, as in the overhead section: the same bytes, cut the same way, every time.
    [ollama, probe] = await Promise.all([
      spawnServer({ kind: 'stand-in', options: { maxChunks: 1, models: [PROBE_MODEL] } }),
      startProbe(),
    ]);
    const ctx: PhaseContext = { probe, ollamaUrl: ollama.url, dir, log };
    const result: IsolationResult = {
      sizes,
      phases: [],
      failures: {},
      import: null,
      replay: null,
      rebuild: null,
      fresh: null,
    };
    // A phase that fails (a gateway out of memory, say) is reported; the next ones still run.
    const attempt = async <T>(
      name: IsolationPhaseName,
      work: (url: string, watch: GatewayWatch) => Promise<T>,
    ): Promise<T | null> => {
      try {
        const { phase, detail } = await runPhase(name, ctx, work);
        result.phases.push(phase);
        return detail;
      } catch (error) {
        result.failures[name] = (error as Error).message.split('\n')[0] ?? String(error);
        log(`isolation: ${name} FAILED — ${result.failures[name]}`);
        return null;
      }
    };

    await attempt('idle', () => sleep(sizes.idleMs));
    result.import = await attempt('import', (url) => importThenStats(url, sizes));

    log(`isolation: writing a spool of ${sizes.spoolRecords.toLocaleString('en-US')} records`);
    writeSpool(join(dir, 'replay.spool.jsonl'), sizes.spoolRecords);
    // The gateway replays a spool it finds at start-up: done once it holds nothing and wrote it all.
    await attempt('replay', (_, watch) =>
      waitFor(
        'spool replay',
        () => {
          const health = watch.latest();
          return health !== null && health.spooled === 0 && health.written >= sizes.spoolRecords;
        },
        200,
      ),
    );
    if (!('replay' in result.failures)) result.replay = { records: sizes.spoolRecords };

    const rebuildPath = join(dir, 'rebuild.sqlite');
    log(`isolation: filling ${sizes.rebuildRecords.toLocaleString('en-US')} records and marking every period dirty`);
    const fillRate = await fillSqlite(rebuildPath, {
      total: sizes.rebuildRecords,
      seed: 10,
      idPrefix: 'rebuild',
      spanMs: sizes.rebuildDays * DAY_MS,
    });
    await markAllPeriods(`sqlite:${rebuildPath}`);
    // The gateway's rollup timer builds at start-up, step after step, until nothing is dirty.
    await attempt('rebuild', () => waitFor('rollup rebuild', () => pendingRollupPeriods(rebuildPath) === 0, 2_000));
    if (!('rebuild' in result.failures)) result.rebuild = { records: sizes.rebuildRecords, fillRate };
    rmSync(rebuildPath, { force: true });

    result.fresh = await attempt('fresh-import', (url) => freshImport(url, sizes));
    return result;
  } finally {
    await Promise.all([ollama?.stop(), probe?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
