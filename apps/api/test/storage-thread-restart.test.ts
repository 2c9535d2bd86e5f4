/**
 * A storage thread that dies (an uncaught error, `process.exit` inside it) is noticed and
 * replaced: proxied requests keep working, the calls it had not answered fail with a clear
 * 503, the records it held go to the spool and arrive once the new thread runs, /healthz
 * counts the restarts, and each death is one log line. The gateway is `startGateway` as
 * `ollama-perf serve` runs it, over a real SQLite file, with a store that crashes on demand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { type RunningGateway, startGateway } from '../src/node.js';
import { waitUntil } from './support/in-process-gateway.js';

const CRASHING_OPENER = new URL('./support/crashing-store.ts', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-restart-'));
const marker = join(dir, 'crash-now');
let ollama: StandIn;
let gateway: RunningGateway;
const logged: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
  ollama = await startStandInOllama();
  // The storage thread, and each one started after it, inherits the environment it starts with.
  process.env.CRASH_MARKER = marker;
  gateway = await startGateway(
    resolveConfig({
      PORT: '0',
      OLLAMA_URL: ollama.url,
      DATABASE_URL: `sqlite:${join(dir, 'restart.sqlite')}`,
      RESIDENCY_INTERVAL_MS: '0',
      ROLLUP_INTERVAL_MS: '0',
    }),
    { storageOpener: CRASHING_OPENER },
  );
});
afterAll(async () => {
  await gateway?.stop(1000);
  await ollama?.close();
  delete process.env.CRASH_MARKER;
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

interface Health {
  status: string;
  storage: { restarts: number; dropped: number };
}
const health = async () => (await (await fetch(`${gateway.url}/healthz`)).json()) as Health;
const requests = async () => {
  const res = await fetch(`${gateway.url}/stats`);
  return res.ok ? ((await res.json()) as { requests: number }).requests : -1;
};
const generate = async (i: number) => {
  const res = await fetch(`${gateway.url}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', prompt: `p${i}`, stream: false }),
  });
  return { status: res.status, done: ((await res.json()) as { done?: boolean }).done };
};
const deaths = () => logged.filter((line) => line.includes('the storage thread stopped unexpectedly'));

describe('a storage thread that dies', () => {
  let sent = 0;
  const proxyFive = async () => {
    for (let i = 0; i < 5; i++) expect(await generate(sent++)).toEqual({ status: 200, done: true });
  };

  it.each([
    ['process.exit inside it', 'exit', 1],
    ['an uncaught error', 'throw', 2],
  ])('is replaced after %s; proxying goes on and every record arrives', async (_, how, restarts) => {
    await proxyFive();
    writeFileSync(marker, how);
    // The first insert after this kills the thread, with these records queued on it or in flight.
    await proxyFive();
    expect(await waitUntil(async () => (await health()).storage.restarts === restarts, 20_000)).toBe(true);
    await proxyFive();
    const all = await waitUntil(async () => (await requests()) === sent, 20_000);
    expect(all, `requests stored: ${await requests()} of ${sent}; log:\n${logged.join('\n')}`).toBe(true);
    expect(await health()).toMatchObject({ status: 'ok', storage: { restarts, dropped: 0 } });
    expect(deaths()).toHaveLength(restarts);
  });

  it('fails an /ingest in flight with 503 + Retry-After, and still stores its records', async () => {
    const before = await requests();
    const records = fixtureRecords(20);
    writeFileSync(marker, 'exit');
    const res = await fetch(`${gateway.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(records),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'the storage thread stopped',
    );
    expect(await waitUntil(async () => (await requests()) === before + records.length, 20_000)).toBe(true);
    expect(deaths()).toHaveLength(3);
  });
});
