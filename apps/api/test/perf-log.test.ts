/**
 * `PERF_LOG` end to end: the gateway started as `pnpm start` starts it (run
 * `pnpm --filter @ollama-perf/api build` first), in front of the stand-in Ollama. The perf
 * log holds one line per proxied request, byte for byte what `export --format jsonl` writes;
 * `import` of it into a fresh database gives the same /stats; at a tiny `PERF_LOG_MAX_MB`
 * it rotates, keeping the current file and three older ones, each line whole; and a path
 * that cannot be written leaves proxying and storing untouched.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RequestMetric, type Summary, summarize } from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import { runCli, startGatewayProcess } from './support/gateway-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-perflog-'));
// The gateway's variables would leak in from the environment (turbo passes them through).
const ENV = { API_TOKEN: '', SPOOL_PATH: '', PERF_LOG: '', PERF_LOG_MAX_MB: '', RESIDENCY_INTERVAL_MS: '0' };
let ollama: StandIn;
let databases = 0;

beforeAll(async () => {
  ollama = await startStandInOllama();
});
afterAll(async () => {
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

function freshDatabase(): string {
  return `sqlite:${join(dir, `db-${++databases}.sqlite`)}`;
}

async function storedRecords(db: string): Promise<RequestMetric[]> {
  const store = await openStore(db);
  try {
    return await store.records();
  } finally {
    await store.close();
  }
}

async function generate(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', prompt: `request ${i}`, stream: i % 2 === 0 }),
    });
    expect(response.status).toBe(200);
    await response.text();
  }
}

async function statsOnceAll(url: string, n: number): Promise<Summary> {
  // DESIGN.md: a record is visible within 1 s after its response ends; polled, not timed.
  for (;;) {
    const stats = (await (await fetch(`${url}/stats`)).json()) as Summary;
    if (stats.requests >= n) return stats;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

describe('PERF_LOG', () => {
  it('holds one line per proxied request, as export writes it, and imports back to the same /stats', async () => {
    const db = freshDatabase();
    const log = join(dir, 'logs', 'perf.jsonl');
    const gateway = await startGatewayProcess({ ...ENV, OLLAMA_URL: ollama.url, DATABASE_URL: db, PERF_LOG: log });
    await generate(gateway.url, 6);
    const stats = await statsOnceAll(gateway.url, 6);
    expect(await gateway.stop()).toBe(0);

    expect(linesOf(log)).toHaveLength(6);
    const exported = await runCli(['export', '--format', 'jsonl', '--db', db]);
    expect(exported.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(exported.output);

    const imported = freshDatabase();
    const run = await runCli(['import', log, '--db', imported]);
    expect(run.code, run.output).toBe(0);
    const records = await storedRecords(imported);
    expect(records).toEqual(await storedRecords(db));
    // `availability` comes from the gateway's polls of Ollama, not from records.
    const { availability: _polls, ...fromRecords } = stats;
    expect(summarize(records)).toEqual(fromRecords);
  });

  it('rotates past PERF_LOG_MAX_MB, keeping three older files of whole lines, the newest records', async () => {
    const db = freshDatabase();
    const log = join(dir, 'rotated', 'perf.jsonl');
    // 0.001 MB = 1048 bytes: a line or two per file.
    const gateway = await startGatewayProcess({ ...ENV, OLLAMA_URL: ollama.url, DATABASE_URL: db }, [
      '--perf-log',
      log,
      '--perf-log-max-mb',
      '0.001',
    ]);
    await generate(gateway.url, 12);
    await statsOnceAll(gateway.url, 12);
    expect(await gateway.stop()).toBe(0);

    const files = readdirSync(join(dir, 'rotated')).sort();
    expect(files).toEqual(['perf.jsonl', 'perf.jsonl.1', 'perf.jsonl.2', 'perf.jsonl.3']);
    const kept = [`${log}.3`, `${log}.2`, `${log}.1`, log].flatMap((file) => {
      const lines = linesOf(file);
      expect(lines.length).toBeGreaterThan(0);
      // Over the limit only when a single line is.
      if (lines.length > 1) expect(readFileSync(file).length).toBeLessThanOrEqual(1048);
      return lines.map((line) => JSON.parse(line) as RequestMetric);
    });
    const stored = await storedRecords(db);
    expect(stored).toHaveLength(12);
    expect(kept.length).toBeLessThan(12);
    // The kept lines are the newest records, none missing in between.
    expect(kept).toEqual(stored.slice(-kept.length));
  });

  it('does not break proxying or storing when its path cannot be written', async () => {
    const db = freshDatabase();
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, 'x');
    const log = join(notADirectory, 'perf.jsonl');
    const gateway = await startGatewayProcess({ ...ENV, OLLAMA_URL: ollama.url, DATABASE_URL: db, PERF_LOG: log });
    await generate(gateway.url, 3);
    await statsOnceAll(gateway.url, 3);
    expect(await gateway.stop()).toBe(0);

    expect(existsSync(log)).toBe(false);
    expect(await storedRecords(db)).toHaveLength(3);
    expect(gateway.output().match(/cannot write the perf log/g)).toHaveLength(1);
    expect(gateway.output()).toContain('misses 3 record(s)');
  });
});
