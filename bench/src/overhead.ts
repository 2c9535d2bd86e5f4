/**
 * Overhead: what putting ollama-perf in front of Ollama costs, against a stand-in Ollama that
 * answers instantly (so the cost is not hidden behind inference time). Five ways to reach it,
 * each server in its own process: (a) directly, (b) a bare Hono proxy with the gateway's proxy
 * code and no middleware, (c) the gateway with the middleware and the SQLite store sink,
 * (d) the gateway with a no-op sink, (e) a plain node:http piping proxy (the floor). Two
 * answers: a small non-streamed JSON body and a 1,000-line NDJSON stream; sequential and
 * concurrent. Variants run alternately, round after round, in a rotating order, and the
 * figures are medians over rounds, with ratios and differences paired within a round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadResult, runLoad } from './load.js';
import type { Log, Mode } from './mode.js';
import { median, pairedMedian } from './sample-stats.js';
import { processCpuMs, type ServerProcess, spawnServer, spawnServers } from './server-process.js';
import type { ServerInfo } from './variants.js';

/** The five ways of reaching Ollama. */
export const VARIANTS = [
  { name: 'direct', letter: 'a', label: 'direct to Ollama' },
  { name: 'bare-hono', letter: 'b', label: 'bare Hono proxy (no middleware)' },
  { name: 'gateway-sqlite', letter: 'c', label: 'gateway, middleware + SQLite sink' },
  { name: 'gateway-noop', letter: 'd', label: 'gateway, middleware + no-op sink' },
  { name: 'node-proxy', letter: 'e', label: 'node:http piping proxy (floor)' },
] as const;
/** One of {@link VARIANTS}. */
export type VariantName = (typeof VARIANTS)[number]['name'];

/** The two answers measured. */
export const SCENARIOS = [
  { name: 'json', label: 'non-streamed JSON (POST /v1/chat/completions)' },
  { name: 'stream', label: 'NDJSON stream (POST /api/generate, num_predict 1000)' },
] as const;
/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number]['name'];

/** Sizes of an overhead run. */
export interface OverheadSizes {
  /** Rounds; every variant runs once per round and concurrency. */
  rounds: number;
  /** Length of one measured run, ms. */
  durationMs: number;
  /** At most this many requests per measured run. */
  maxRequests: number;
  /** Unmeasured requests per variant, scenario and concurrency before the first round (JIT, connections). */
  warmupRequests: number;
  /** Concurrency levels, e.g. `[1, 64]`. */
  concurrency: number[];
  /** Lines of the streamed answer (`options.num_predict`). */
  streamTokens: number;
}

/** Presets per mode. */
export const OVERHEAD_SIZES: Record<Mode, OverheadSizes> = {
  tiny: { rounds: 1, durationMs: 200, maxRequests: 20, warmupRequests: 4, concurrency: [1, 4], streamTokens: 50 },
  quick: {
    rounds: 1,
    durationMs: 250,
    maxRequests: 20_000,
    warmupRequests: 20,
    concurrency: [1, 64],
    streamTokens: 1000,
  },
  default: {
    rounds: 4,
    durationMs: 1500,
    maxRequests: 100_000,
    warmupRequests: 200,
    concurrency: [1, 64],
    streamTokens: 1000,
  },
  full: {
    rounds: 7,
    durationMs: 3000,
    maxRequests: 200_000,
    warmupRequests: 1000,
    concurrency: [1, 64],
    streamTokens: 1000,
  },
};

/** One measured run of one variant. */
export interface OverheadRun {
  load: LoadResult;
  /** CPU the front process (b–e) used per request, ms; 0 for (a), which has none. */
  frontCpuMs: number;
  /** CPU the stand-in Ollama used per request, ms. */
  ollamaCpuMs: number;
}

/** The figures of one variant × scenario × concurrency, over all rounds. */
export interface OverheadCell {
  variant: VariantName;
  scenario: ScenarioName;
  concurrency: number;
  /** Per round, in round order. */
  runs: OverheadRun[];
  /** Medians over rounds. */
  rps: number;
  p50: number;
  p99: number;
  /** Median over rounds of the front process's CPU per request, ms (less noisy than wall time on a shared machine). */
  frontCpuMs: number;
  errors: number;
  /** Paired (same round) medians against (a) direct and (b) the bare Hono proxy. */
  vs: Record<
    'direct' | 'bare-hono' | 'node-proxy',
    { rpsRatio: number; p50DiffMs: number; p99DiffMs: number; cpuDiffMs: number }
  >;
}

/** Result of {@link runOverhead}. */
export interface OverheadResult {
  sizes: OverheadSizes;
  cells: OverheadCell[];
  /** The gateway's own figures after the run: proof that (c) recorded and (d) measured. */
  gatewayInfo: Record<'gateway-sqlite' | 'gateway-noop', ServerInfo>;
  /** Requests sent through each gateway (warm-up included), to compare with its record count. */
  gatewayRequests: Record<'gateway-sqlite' | 'gateway-noop', number>;
}

const PROMPT = 'Why is the sky blue?';

function requestOf(scenario: ScenarioName, streamTokens: number): { path: string; body: string } {
  return scenario === 'json'
    ? {
        path: '/v1/chat/completions',
        body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: PROMPT }] }),
      }
    : {
        path: '/api/generate',
        body: JSON.stringify({ model: 'llama3.2', prompt: PROMPT, options: { num_predict: streamTokens } }),
      };
}

/** Looks up a cell. */
export function cellOf(
  result: OverheadResult,
  variant: VariantName,
  scenario: ScenarioName,
  concurrency: number,
): OverheadCell | undefined {
  return result.cells.find((c) => c.variant === variant && c.scenario === scenario && c.concurrency === concurrency);
}

/**
 * Runs the overhead benchmark: starts the stand-in and the four fronts as child processes,
 * warms each up, then measures the rounds.
 *
 * @example
 * const result = await runOverhead(OVERHEAD_SIZES.quick, console.log);
 * cellOf(result, 'gateway-sqlite', 'json', 1)?.vs['bare-hono'].p50DiffMs
 */
export async function runOverhead(sizes: OverheadSizes, log: Log): Promise<OverheadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-overhead-'));
  const started: ServerProcess[] = [];
  try {
    // One write per answer: the kernel, not the stand-in's random chunking, decides how the
    // stream is cut, so every request of every variant gets the same bytes the same way.
    const ollama = await spawnServer({ kind: 'stand-in', options: { maxChunks: 1 } });
    started.push(ollama);
    const upstream = ollama.url;
    const fronts = await spawnServers([
      { kind: 'bare-hono', upstream },
      { kind: 'gateway', upstream, databaseUrl: `sqlite:${join(dir, 'gateway.sqlite')}`, sink: 'store' },
      { kind: 'gateway', upstream, databaseUrl: ':memory:', sink: 'noop' },
      { kind: 'node-proxy', upstream },
    ]);
    started.push(...fronts);
    const [bare, gatewaySqlite, gatewayNoop, nodeProxy] = fronts as [
      ServerProcess,
      ServerProcess,
      ServerProcess,
      ServerProcess,
    ];
    const urls: Record<VariantName, string> = {
      direct: upstream,
      'bare-hono': bare.url,
      'gateway-sqlite': gatewaySqlite.url,
      'gateway-noop': gatewayNoop.url,
      'node-proxy': nodeProxy.url,
    };
    const gatewayRequests = { 'gateway-sqlite': 0, 'gateway-noop': 0 };
    const count = (variant: VariantName, run: LoadResult, extra: number) => {
      if (variant === 'gateway-sqlite' || variant === 'gateway-noop')
        gatewayRequests[variant] += run.requests + run.errors + extra;
    };

    const pids: Record<VariantName, number | null> = {
      direct: null,
      'bare-hono': bare.pid,
      'gateway-sqlite': gatewaySqlite.pid,
      'gateway-noop': gatewayNoop.pid,
      'node-proxy': nodeProxy.pid,
    };
    const load = async (
      variant: VariantName,
      scenario: ScenarioName,
      concurrency: number,
      measured: boolean,
    ): Promise<OverheadRun> => {
      const { path, body } = requestOf(scenario, sizes.streamTokens);
      const warmup = measured ? Math.min(sizes.maxRequests, concurrency) : 0;
      const pid = pids[variant];
      const frontBefore = pid === null ? 0 : processCpuMs(pid);
      const ollamaBefore = processCpuMs(ollama.pid);
      const run = await runLoad({
        url: urls[variant] + path,
        body,
        headers: { 'content-type': 'application/json' },
        concurrency,
        // Each run opens fresh keep-alive connections: one unmeasured request on each first.
        warmupRequests: warmup,
        maxRequests: measured ? sizes.maxRequests : sizes.warmupRequests,
        ...(measured ? { durationMs: sizes.durationMs } : {}),
      });
      count(variant, run, warmup);
      // CPU is read around warm-up and measured requests alike, so divide by both.
      const requests = Math.max(1, run.requests + run.errors + warmup);
      return {
        load: run,
        frontCpuMs: pid === null ? 0 : (processCpuMs(pid) - frontBefore) / requests,
        ollamaCpuMs: (processCpuMs(ollama.pid) - ollamaBefore) / requests,
      };
    };

    log(`overhead: warming up ${VARIANTS.length} variants`);
    for (const scenario of SCENARIOS) {
      for (const concurrency of sizes.concurrency)
        for (const variant of VARIANTS) await load(variant.name, scenario.name, concurrency, false);
    }

    const runs = new Map<string, OverheadRun[]>();
    const key = (variant: string, scenario: string, concurrency: number) => `${variant}|${scenario}|${concurrency}`;
    for (let round = 0; round < sizes.rounds; round++) {
      for (const scenario of SCENARIOS) {
        for (const concurrency of sizes.concurrency) {
          // Rotate the order each round: no variant always runs first (or right after the noisy one).
          const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as (typeof VARIANTS)[number]);
          for (const variant of order) {
            const run = await load(variant.name, scenario.name, concurrency, true);
            const k = key(variant.name, scenario.name, concurrency);
            runs.set(k, [...(runs.get(k) ?? []), run]);
          }
          log(`overhead: round ${round + 1}/${sizes.rounds} ${scenario.name} ×${concurrency} done`);
        }
      }
    }

    const cells: OverheadCell[] = [];
    for (const scenario of SCENARIOS) {
      for (const concurrency of sizes.concurrency) {
        const of = (variant: VariantName) => runs.get(key(variant, scenario.name, concurrency)) ?? [];
        for (const variant of VARIANTS) {
          const mine = of(variant.name);
          const pairWith = (baseline: VariantName) => {
            const theirs = of(baseline);
            const rounds = mine.map((run, i) => ({ run: run.load, base: (theirs[i] as OverheadRun).load }));
            const cpu = mine.map((run, i) => ({ run, base: theirs[i] as OverheadRun }));
            return {
              cpuDiffMs: pairedMedian(
                cpu,
                (r) => r.run.frontCpuMs,
                (r) => r.base.frontCpuMs,
                'difference',
              ),
              rpsRatio: pairedMedian(
                rounds,
                (r) => r.run.requestsPerSecond,
                (r) => r.base.requestsPerSecond,
                'ratio',
              ),
              p50DiffMs: pairedMedian(
                rounds,
                (r) => r.run.latency.p50,
                (r) => r.base.latency.p50,
                'difference',
              ),
              p99DiffMs: pairedMedian(
                rounds,
                (r) => r.run.latency.p99,
                (r) => r.base.latency.p99,
                'difference',
              ),
            };
          };
          cells.push({
            variant: variant.name,
            scenario: scenario.name,
            concurrency,
            runs: mine,
            rps: median(mine.map((r) => r.load.requestsPerSecond)),
            p50: median(mine.map((r) => r.load.latency.p50)),
            p99: median(mine.map((r) => r.load.latency.p99)),
            frontCpuMs: median(mine.map((r) => r.frontCpuMs)),
            errors: mine.reduce((sum, r) => sum + r.load.errors, 0),
            vs: {
              direct: pairWith('direct'),
              'bare-hono': pairWith('bare-hono'),
              'node-proxy': pairWith('node-proxy'),
            },
          });
        }
      }
    }
    // Records reach the storage thread in batches and are written every 100 ms; it reports what
    // it wrote every 250 ms: wait for the count to settle (10 s at most) before reading it.
    const sqliteRequests = gatewayRequests['gateway-sqlite'];
    for (let waited = 0; waited < 10_000; waited += 100) {
      if ((await gatewaySqlite.info()).recordsWritten >= sqliteRequests) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const gatewayInfo = { 'gateway-sqlite': await gatewaySqlite.info(), 'gateway-noop': await gatewayNoop.info() };
    return { sizes, cells, gatewayInfo, gatewayRequests };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
