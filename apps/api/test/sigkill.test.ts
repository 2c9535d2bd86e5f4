/**
 * The loss window on SIGKILL, as the README states it: a proxied request's record is in the
 * database (or the on-disk spool) within {@link LOSS_WINDOW_MS} of its response's end. The
 * gateway runs as `ollama-perf serve` does; after the last answer the test waits that long,
 * kills the process with SIGKILL (no flush, no shutdown hook) and counts what it left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSpool } from '../src/sink/file-spool.js';
import { openStore } from '../src/storage/open-node.js';
import { startGatewayProcess } from './support/gateway-process.js';

/** The bound the README states: 10 ms on the proxy thread, ≤ 100 ms in the storage thread's batch, the insert, and slack for a loaded machine. */
const LOSS_WINDOW_MS = 500;

let ollama: StandIn;
let dir: string;

beforeAll(async () => {
  ollama = await startStandInOllama();
  dir = mkdtempSync(join(tmpdir(), 'ollama-perf-sigkill-'));
});

afterAll(async () => {
  await ollama.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL', () => {
  it(`loses no record of a request answered ${LOSS_WINDOW_MS} ms before the kill`, async () => {
    const database = join(dir, 'killed.sqlite');
    const spoolPath = join(dir, 'killed.spool.jsonl');
    const gateway = await startGatewayProcess({
      OLLAMA_URL: ollama.url,
      DATABASE_URL: `sqlite:${database}`,
      SPOOL_PATH: spoolPath,
      RESIDENCY_INTERVAL_MS: '0',
    });
    const answered = 60;
    for (let i = 0; i < answered; i++) {
      const stream = i % 2 === 0;
      const res = await fetch(`${gateway.url}/api/generate`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.2', prompt: `request ${i}`, stream }),
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    await new Promise((resolve) => setTimeout(resolve, LOSS_WINDOW_MS));
    const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
    gateway.child.kill('SIGKILL');
    await exited;

    const store = await openStore(`sqlite:${database}`);
    try {
      const spooled = fileSpool(spoolPath).size();
      expect((await store.count()) + spooled).toBe(answered);
    } finally {
      await store.close();
    }
  }, 60_000);
});
