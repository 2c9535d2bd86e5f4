/**
 * Time to first byte of a stream: how much later the first NDJSON line reaches a client
 * through the gateway than directly from Ollama. The stand-in's `slow` model writes its first
 * line at once and the next ones a few ms apart, so the first byte is measured while the
 * stream is still going, as with a real model. Sequential requests; the variants take turns
 * round after round and the difference to (a) is paired within a round.
 */
import { runLoad } from './load.js';
import type { Log, Mode } from './mode.js';
import { median, pairedMedian } from './sample-stats.js';
import { type ServerProcess, spawnServer, spawnServers } from './server-process.js';

/** The ways of reaching Ollama compared here (letters as in the overhead benchmark). */
export const TTFB_VARIANTS = [
  { name: 'direct', letter: 'a', label: 'direct to Ollama' },
  { name: 'bare-hono', letter: 'b', label: 'bare Hono proxy (no middleware)' },
  { name: 'gateway-sqlite', letter: 'c', label: 'gateway, middleware + SQLite sink' },
  { name: 'node-proxy', letter: 'e', label: 'node:http piping proxy (floor)' },
] as const;
/** One of {@link TTFB_VARIANTS}. */
export type TtfbVariantName = (typeof TTFB_VARIANTS)[number]['name'];

/** Sizes of a TTFB run. */
export interface TtfbSizes {
  rounds: number;
  /** Requests per variant and round. */
  requestsPerRound: number;
  /** Lines after the first, each `lineDelayMs` after the previous. */
  tokens: number;
  lineDelayMs: number;
}

/** Presets per mode. */
export const TTFB_SIZES: Record<Mode, TtfbSizes> = {
  tiny: { rounds: 1, requestsPerRound: 3, tokens: 2, lineDelayMs: 1 },
  quick: { rounds: 2, requestsPerRound: 25, tokens: 3, lineDelayMs: 2 },
  default: { rounds: 5, requestsPerRound: 200, tokens: 3, lineDelayMs: 2 },
  full: { rounds: 7, requestsPerRound: 300, tokens: 3, lineDelayMs: 2 },
};

/** The figures of one variant. */
export interface TtfbMeasurement {
  variant: TtfbVariantName;
  /** Median over rounds of the round's median TTFB, ms. */
  medianMs: number;
  /** Median over rounds of the round's p99 TTFB, ms. */
  p99Ms: number;
  /** Paired (same round) median of the difference of medians to (a) direct, ms. */
  vsDirectMs: number;
  requests: number;
  errors: number;
}

/** Result of {@link runTtfb}. */
export interface TtfbResult {
  sizes: TtfbSizes;
  measurements: TtfbMeasurement[];
}

/**
 * Runs the TTFB benchmark.
 *
 * @example
 * const { measurements } = await runTtfb(TTFB_SIZES.quick, console.log);
 */
export async function runTtfb(sizes: TtfbSizes, log: Log): Promise<TtfbResult> {
  const started: ServerProcess[] = [];
  try {
    const ollama = await spawnServer({ kind: 'stand-in', options: { slowLineDelayMs: sizes.lineDelayMs } });
    started.push(ollama);
    const upstream = ollama.url;
    const fronts = await spawnServers([
      { kind: 'bare-hono', upstream },
      { kind: 'gateway', upstream, databaseUrl: ':memory:', sink: 'store' },
      { kind: 'node-proxy', upstream },
    ]);
    started.push(...fronts);
    const [bare, gateway, nodeProxy] = fronts as [ServerProcess, ServerProcess, ServerProcess];
    const urls: Record<TtfbVariantName, string> = {
      direct: upstream,
      'bare-hono': bare.url,
      'gateway-sqlite': gateway.url,
      'node-proxy': nodeProxy.url,
    };
    const body = JSON.stringify({
      model: 'slow',
      prompt: 'Why is the sky blue?',
      options: { num_predict: sizes.tokens },
    });
    const rounds: Array<Record<TtfbVariantName, { p50: number; p99: number; requests: number; errors: number }>> = [];

    for (let round = -1; round < sizes.rounds; round++) {
      const figures = {} as Record<TtfbVariantName, { p50: number; p99: number; requests: number; errors: number }>;
      const order = TTFB_VARIANTS.map(
        (_, i) => TTFB_VARIANTS[(i + Math.max(0, round)) % TTFB_VARIANTS.length] as (typeof TTFB_VARIANTS)[number],
      );
      for (const variant of order) {
        const run = await runLoad({
          url: `${urls[variant.name]}/api/generate`,
          body,
          headers: { 'content-type': 'application/json' },
          concurrency: 1,
          warmupRequests: 1,
          maxRequests: sizes.requestsPerRound,
        });
        figures[variant.name] = { p50: run.ttfb.p50, p99: run.ttfb.p99, requests: run.requests, errors: run.errors };
      }
      // Round −1 warms every variant up and is not kept.
      if (round >= 0) {
        rounds.push(figures);
        log(`ttfb: round ${round + 1}/${sizes.rounds} done`);
      }
    }

    const measurements = TTFB_VARIANTS.map(({ name }) => ({
      variant: name,
      medianMs: median(rounds.map((r) => r[name].p50)),
      p99Ms: median(rounds.map((r) => r[name].p99)),
      vsDirectMs: pairedMedian(
        rounds,
        (r) => r[name].p50,
        (r) => r.direct.p50,
        'difference',
      ),
      requests: rounds.reduce((n, r) => n + r[name].requests, 0),
      errors: rounds.reduce((n, r) => n + r[name].errors, 0),
    }));
    return { sizes, measurements };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}
