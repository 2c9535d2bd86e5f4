/**
 * Ollama's availability, for real: the stand-in Ollama is stopped, then started again on its
 * port. `ollama-perf serve` (polling every 100 ms) must say so in /healthz (degraded, still 200),
 * /metrics (`ollama_up` 0 then 1), /stats (`availability` below 1 with one outage that ended),
 * its log (one line when the outage starts, one when it ends) and `ollama-perf report`. The
 * stored runs of polls are checked on SQLite and PostgreSQL with the sampler on a scripted clock.
 * (D1: test/workers/availability.d1.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '@ollama-perf/core';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResidencySampler } from '../src/residency/sampler.js';
import { windowAvailability } from '../src/residency/window-availability.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { type GatewayProcess, runCli, startGatewayProcess } from './support/gateway-process.js';
import { waitUntil } from './support/in-process-gateway.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

// Generous bounds on waits (never timing assertions): the machine may be busy with other suites.
const PATIENCE = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-availability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an outage of Ollama seen by `ollama-perf serve`', () => {
  const database = join(dir, 'gateway.sqlite');
  let ollama: StandIn;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ollama = await startStandInOllama();
    gateway = await startGatewayProcess({
      OLLAMA_URL: ollama.url,
      DATABASE_URL: `sqlite:${database}`,
      RESIDENCY_INTERVAL_MS: '100',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await ollama?.close();
  });

  const health = async () => {
    const res = await fetch(`${gateway.url}/healthz`);
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string; reason?: string };
  };
  const ollamaUp = async () => /\nollama_up (\d)\n/.exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1];
  const stats = async () => (await (await fetch(`${gateway.url}/stats`)).json()) as Summary;

  it('goes degraded and back, with ollama_up, the availability in /stats, two log lines and the report', async () => {
    expect(await waitUntil(async () => (await ollamaUp()) === '1', PATIENCE)).toBe(true);
    expect(await health()).toMatchObject({ status: 'ok' });

    const port = ollama.port;
    await ollama.close();
    expect(await waitUntil(async () => (await ollamaUp()) === '0', PATIENCE)).toBe(true);
    const down = await health();
    expect(down).toMatchObject({ status: 'degraded', reason: expect.stringContaining('Ollama does not answer') });
    expect(await waitUntil(() => gateway.output().includes('outage started'), PATIENCE)).toBe(true);
    // A few more polls fail while Ollama stays down.
    const failedPolls = async () => (await stats()).availability?.polls ?? 0;
    const pollsWhenDown = await failedPolls();
    expect(await waitUntil(async () => (await failedPolls()) >= pollsWhenDown + 3, PATIENCE)).toBe(true);
    expect((await stats()).availability?.outages).toEqual([
      { start: expect.any(Number), end: null, duration_ms: expect.any(Number), error: expect.any(String) },
    ]);

    ollama = await startStandInOllama({}, port);
    expect(await waitUntil(async () => (await ollamaUp()) === '1', PATIENCE)).toBe(true);
    expect(await health()).toMatchObject({ status: 'ok' });
    expect(await waitUntil(() => gateway.output().includes('outage over'), PATIENCE)).toBe(true);

    const { availability } = await stats();
    expect(availability?.share).toBeGreaterThan(0);
    expect(availability?.share).toBeLessThan(1);
    expect(availability?.answered).toBeLessThanOrEqual((availability?.polls ?? 0) - 3);
    expect(availability?.outages).toHaveLength(1);
    const [outage] = availability?.outages ?? [];
    expect(outage?.end).toBeGreaterThan(outage?.start ?? Infinity);
    expect(outage?.duration_ms).toBe((outage?.end ?? 0) - (outage?.start ?? 0));

    const log = gateway.output();
    expect(log.match(/outage started/g)).toHaveLength(1);
    expect(log.match(/outage over after \d+\.\d s/g)).toHaveLength(1);
    expect(log).not.toContain('cannot store');

    const report = await runCli(['report', '--db', `sqlite:${database}`]);
    expect(report.code, report.output).toBe(0);
    expect(report.output).toContain('OLLAMA AVAILABILITY');
    expect(report.output).toMatch(/Outages {11}1\n/);
    const json = JSON.parse((await runCli(['report', '--json', '--db', `sqlite:${database}`])).output) as Summary;
    expect(json.availability?.outages).toHaveLength(1);
  });
});

describe.each([
  ['SQLite', async () => ({ store: await openStore(`sqlite:${join(dir, 'runs.sqlite')}`), stop: async () => {} })],
  [
    'PostgreSQL',
    async () => {
      const postgres: TestPostgres = await startTestPostgres();
      return { store: await openStore(postgres.url), stop: () => postgres.remove() };
    },
  ],
])('runs of polls on %s', (_, open) => {
  let opened: { store: MetricStore; stop: () => Promise<void> };
  let ollama: StandIn;
  beforeAll(async () => {
    opened = await open();
    ollama = await startStandInOllama();
  });
  afterAll(async () => {
    await ollama?.close();
    await opened?.store.close();
    await opened?.stop();
  });

  it('stores each poll in its run, survives a restart of the sampler, and answers the window', async () => {
    const { store } = opened;
    let clock = 1_000_000;
    const changes: string[] = [];
    const sampler = () =>
      new ResidencySampler({
        store,
        ollamaUrl: ollama.url,
        intervalMs: 1000,
        now: () => clock,
        onAvailability: (change) => changes.push(change.up ? `up after ${change.downMs} ms` : 'down'),
      });
    let poller = sampler();
    const poll = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await poller.sample();
        clock += 1000;
      }
    };
    await poll(4); // answered at 1 000 000 … 1 003 000
    const port = ollama.port;
    await ollama.close();
    await poll(3); // failed at 1 004 000 … 1 006 000
    poller = sampler(); // a restarted gateway carries on with the stored run
    await poll(2); // failed at 1 007 000, 1 008 000
    ollama = await startStandInOllama({}, port);
    await poll(3); // answered at 1 009 000 … 1 011 000

    expect(changes).toEqual(['down', 'up after 5000 ms']);
    expect(await store.availabilityRuns()).toEqual([
      { id: '1000000', start: 1_000_000, last: 1_003_000, up: true, polls: 4, error: null },
      { id: '1004000', start: 1_004_000, last: 1_008_000, up: false, polls: 5, error: expect.any(String) },
      { id: '1009000', start: 1_009_000, last: 1_011_000, up: true, polls: 3, error: null },
    ]);
    expect(await windowAvailability(store, {}, clock)).toMatchObject({
      polls: 12,
      answered: 7,
      share: 7 / 12,
      outages: [{ start: 1_004_000, end: 1_009_000, duration_ms: 5000 }],
    });
    // Half-way through the outage to its end: 3 failed polls (1 006 000 … 1 008 000), 2 answered.
    expect(await windowAvailability(store, { from: 1_006_000, to: 1_011_000 }, clock)).toMatchObject({
      polls: 5,
      answered: 2,
    });
    expect(await windowAvailability(store, { from: 1_009_000 }, clock)).toMatchObject({ share: 1, outages: [] });
  });
});
