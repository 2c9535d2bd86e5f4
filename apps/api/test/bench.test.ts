/**
 * `ollama-perf bench` end to end: the built CLI (run `pnpm --filter @ollama-perf/api build`
 * first) against a stand-in Ollama told how fast its models are, straight and through a real
 * gateway. The figures must come back within 1%, cold and warm apart, the prompt cache
 * defeated (and shown to matter), the runs recorded under their project, Ctrl-C clean.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerformanceModel, type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult, CellResult } from '../src/cli/bench/results.js';
import { openStore } from '../src/storage/open-node.js';
import { runCli, startGatewayProcess } from './support/gateway-process.js';

const BIN = fileURLToPath(new URL('../bin/ollama-perf.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-'));
const ENV = { DATABASE_URL: '', API_TOKEN: '', OLLAMA_HOST: '', NO_COLOR: '' };
// The figures the stand-in is told to produce.
const SPEEDS = { generationTokensPerSecond: 42, promptTokensPerSecond: 850, coldLoadMs: 3200 };
let ollama: StandIn;
let databases = 0;

const performance = (extra: Parameters<typeof createPerformanceModel>[0] = {}) =>
  createPerformanceModel({
    speeds: { 'llama3.2': SPEEDS },
    // Not 4 and with a template's share, so the prompt calibration has work to do.
    charsPerToken: 3.7,
    promptOverheadTokens: 12,
    ...extra,
  });

beforeAll(async () => {
  ollama = await startStandInOllama({ performance: performance() });
});
afterAll(async () => {
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

function freshDatabase(): string {
  return `sqlite:${join(dir, `bench-${++databases}.sqlite`)}`;
}

async function bench(args: string[]): Promise<{ code: number | null; result: BenchResult; output: string }> {
  const { code, output } = await runCli(['bench', '--json', ...args], ENV);
  const json = output.slice(output.indexOf('{\n'), output.lastIndexOf('}') + 1);
  return { code, output, result: JSON.parse(json) as BenchResult };
}

function cellsOf(result: BenchResult, model = 'llama3.2'): CellResult[] {
  return result.models.find((m) => m.model === model)?.cells ?? [];
}

const within = (actual: number | null, expected: number, tolerance = 0.01) =>
  expect(Math.abs((actual ?? Number.NaN) - expected) / expected).toBeLessThanOrEqual(tolerance);

describe('ollama-perf bench', () => {
  it('measures the speeds the stand-in was told, cold apart from warm, and records every measured run', async () => {
    // Ollama unloads in the background after it has answered: bench must wait for /api/ps.
    ollama.configure({ performance: performance({ unloadDelayMs: 300 }) });
    ollama.unload();
    const db = freshDatabase();
    const { code, result } = await bench([
      'llama3.2',
      ...['--url', ollama.url, '--db', db, '--cold', '--runs', '3', '--prompt-tokens', '128,1024'],
      ...['--output-tokens', '16', '--run-id', 'speeds'],
    ]);
    expect(code).toBe(0);
    const [model] = result.models;
    expect(model?.error).toBeNull();
    within(model?.cold_load_ms?.median ?? null, 3200);
    expect(model?.warm_load_ms.max).toBe(0);
    const cells = cellsOf(result);
    expect(cells.map((c) => c.prompt_tokens_target)).toEqual([128, 1024]);
    for (const cell of cells) {
      within(cell.tokens_per_second.median, 42);
      within(cell.prompt_tokens_per_second.median, 850);
      // The asked length within a few %, as Ollama counted it.
      within(cell.prompt_tokens.median, cell.prompt_tokens_target, 0.03);
      expect(cell.done_reasons).toEqual({ length: 3 });
      expect(cell).toMatchObject({ runs: 3, requests: 3, failed: 0 });
    }
    const store = await openStore(db);
    try {
      const summary = await store.summary({ project: 'bench:speeds' });
      // 3 cold loads + 2 lengths × 3 runs; calibration and warm-ups are not measurements.
      expect(summary.requests).toBe(9);
      expect(summary.cold_starts).toBe(3);
      expect(summary.by_model['llama3.2']?.requests).toBe(9);
    } finally {
      await store.close();
    }
  });

  it('defeats the prompt cache: without it, the cached prompts read impossibly fast', async () => {
    const args = ['llama3.2', '--url', ollama.url, '--db', freshDatabase(), '--runs', '3', '--prompt-tokens', '2048'];
    const defeated = await bench([...args, '--output-tokens', '4']);
    const cached = await bench([...args, '--output-tokens', '4', '--no-cache-defeat']);
    within(cellsOf(defeated.result)[0]?.prompt_tokens_per_second.median ?? null, 850);
    expect(cellsOf(cached.result)[0]?.prompt_tokens_per_second.median).toBeGreaterThan(850 * 100);
    expect(cached.result.cache_defeat).toBe(false);
  });

  it('shows the knee of the concurrency curve: past the parallel slots, each stream slows down', async () => {
    const paced = await startStandInOllama({
      performance: performance({ parallel: 2, timeScale: 0.5, speeds: { 'llama3.2': { ...SPEEDS, coldLoadMs: 0 } } }),
    });
    try {
      const { code, result } = await bench([
        'llama3.2',
        ...['--url', paced.url, '--db', freshDatabase(), '--runs', '1', '--prompt-tokens', '64'],
        ...['--output-tokens', '8', '--concurrency', '1,4'],
      ]);
      expect(code).toBe(0);
      const [alone, four] = cellsOf(result);
      within(alone?.tokens_per_second.median ?? null, 42);
      expect(four?.requests).toBe(4);
      // Two of the four run at full speed, the third and fourth share it.
      expect(four?.tokens_per_second.min).toBeLessThan(42 * 0.8);
      expect(four?.aggregate_tokens_per_second.median).toBeGreaterThan(0);
      expect(four?.observed_tokens_per_second.median).toBeGreaterThan(0);
    } finally {
      await paced.close();
    }
  });

  it('goes through a gateway, which records the runs once under the run’s project, or sends records to its /ingest', async () => {
    const database = join(dir, 'gateway.sqlite');
    const gateway = await startGatewayProcess({ OLLAMA_URL: ollama.url, DATABASE_URL: `sqlite:${database}` });
    try {
      const { code, result } = await bench([
        'llama3.2',
        ...['--url', gateway.url, '--runs', '2', '--prompt-tokens', '256', '--output-tokens', '8'],
        ...['--run-id', 'via-gateway', '--concurrency', '1,2'],
      ]);
      expect(code).toBe(0);
      expect(result).toMatchObject({ gateway: true, project: 'bench:via-gateway' });
      within(cellsOf(result)[0]?.tokens_per_second.median ?? null, 42);
      // A record is visible within 1 s of its response.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const stats = (await (await fetch(`${gateway.url}/stats?project=bench:via-gateway`)).json()) as {
        requests: number;
        tokens_per_second: { p50: number };
      };
      expect(stats.requests).toBe(2 + 2 * 2);
      within(stats.tokens_per_second.p50, 42);
      const setup = (await (await fetch(`${gateway.url}/stats?project=bench:via-gateway:setup`)).json()) as {
        requests: number;
      };
      // Two calibration probes and a warm-up per concurrency.
      expect(setup.requests).toBe(4);

      // Straight to Ollama, bench records the measured requests itself, here to the gateway's /ingest.
      const direct = await bench([
        'llama3.2',
        ...['--url', ollama.url, '--ingest-url', gateway.url, '--runs', '2', '--prompt-tokens', '256'],
        ...['--output-tokens', '8', '--run-id', 'via-ingest'],
      ]);
      expect(direct.result.gateway).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const ingested = (await (await fetch(`${gateway.url}/stats?project=bench:via-ingest`)).json()) as {
        requests: number;
        tokens_per_second: { p50: number };
      };
      expect(ingested.requests).toBe(2);
      within(ingested.tokens_per_second.p50, 42);
    } finally {
      await gateway.stop();
    }
  });

  it('stops cleanly on Ctrl-C and keeps what finished', async () => {
    const slow = await startStandInOllama({ performance: performance({ timeScale: 0.2 }) });
    try {
      const child = spawn(
        process.execPath,
        [BIN, 'bench', 'llama3.2', '--json', '--url', slow.url, '--db', freshDatabase(), '--runs', '50'],
        { env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      // Calibration (2), a warm-up, then a few measured runs.
      while (slow.requests.filter((r) => r.path === '/api/generate').length < 6) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      const result = JSON.parse(stdout) as BenchResult;
      expect(result.stopped).toBe('interrupted');
      const [first] = cellsOf(result);
      expect(first?.runs).toBeGreaterThanOrEqual(2);
      expect(first?.runs).toBeLessThan(50);
      expect(first?.failed).toBe(0);
      // Every run kept is whole: Ollama's final figures came for each.
      expect(first?.tokens_per_second.n).toBe(first?.runs);
    } finally {
      await slow.close();
    }
  });

  it('stops starting runs after --max-minutes and reports what finished', async () => {
    const slow = await startStandInOllama({ performance: performance({ timeScale: 0.2 }) });
    try {
      const { code, result } = await bench(
        ['llama3.2', '--url', slow.url, '--db', freshDatabase(), '--runs', '50'].concat(['--max-minutes', '0.05']),
      );
      expect(code).toBe(0);
      expect(result.stopped).toBe('max-minutes');
      const [first] = cellsOf(result);
      expect(first?.runs).toBeGreaterThanOrEqual(1);
      expect(first?.runs).toBeLessThan(50);
      expect(cellsOf(result)).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('refuses bad flags with exit code 2 and explains itself with --help', async () => {
    const help = await runCli(['bench', '--help'], ENV);
    expect(help.code).toBe(0);
    for (const flag of ['--prompt-tokens', '--output-tokens', '--runs', '--concurrency', '--cold', '--max-minutes']) {
      expect(help.output).toContain(flag);
    }
    expect((await runCli(['bench'], ENV)).code).toBe(2);
    const bad = await runCli(['bench', 'llama3.2', '--runs', 'many'], ENV);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--runs "many" is not a positive whole number');
    const missing = await runCli(['bench', 'nope', '--url', ollama.url, '--db', freshDatabase()], ENV);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('model "nope" not found');
  });
});
