/**
 * Storage faults: while the database refuses writes (SQLite locked by another writer,
 * PostgreSQL stopped mid-run), proxied requests keep succeeding with unchanged answers,
 * records wait in the spool, /healthz shows the backlog, and when the database returns
 * exactly N records arrive — none lost, none twice. A restart while the database is down
 * loses nothing either: the spool is on disk.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import { startGatewayProcess } from './support/gateway-process.js';
import { serveGateway, waitUntil } from './support/in-process-gateway.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const N = 25;
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-faults-'));
let ollama: StandIn;
let postgres: TestPostgres;

beforeAll(async () => {
  ollama = await startStandInOllama();
  postgres = await startTestPostgres();
  // Load the model once so every answer below is warm and byte-for-byte comparable.
  await (
    await fetch(`${ollama.url}/api/generate`, { method: 'POST', body: '{"model":"llama3.2","stream":false}' })
  ).text();
});
afterAll(async () => {
  await ollama?.close();
  await postgres?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function generate(base: string, i: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', prompt: `n${i}`, stream: false }),
  });
  return { status: res.status, body: await res.text() };
}

describe('storage faults', () => {
  it('SQLite locked by another writer: answers unchanged, N records once the lock is gone', async () => {
    const path = join(dir, 'locked.sqlite');
    const store = await openStore(`sqlite:${path}`);
    const gateway = await serveGateway(store, ollama.url, join(dir, 'locked.spool.jsonl'));
    const locker = new SqliteDatabase(path);
    try {
      locker.exec('BEGIN EXCLUSIVE');
      for (let i = 0; i < N; i++) {
        const [direct, via] = [await generate(ollama.url, i), await generate(gateway.url, i)];
        expect(via).toEqual(direct);
      }
      expect(await waitUntil(() => gateway.sink.stats().spooled === N)).toBe(true);
      const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
        storage: { backlog: number; dropped: number };
      };
      expect(health.storage).toMatchObject({ backlog: N, dropped: 0 });
      locker.exec('COMMIT');
      expect(await waitUntil(async () => (await store.count()) === N)).toBe(true);
      const ids = (await store.records()).map((r) => r.id);
      expect(new Set(ids).size).toBe(N);
      expect(gateway.sink.stats()).toMatchObject({ backlog: 0, spooled: 0, dropped: 0 });
    } finally {
      locker.close();
      await gateway.close();
      await store.close();
    }
  });

  it('PostgreSQL stopped mid-run: answers unchanged, N records once it is back', async () => {
    const store = await openStore(postgres.url);
    const gateway = await serveGateway(store, ollama.url, join(dir, 'pg.spool.jsonl'));
    try {
      await generate(gateway.url, -1); // one record while the database is up
      expect(await waitUntil(async () => (await store.count()) === 1)).toBe(true);
      await postgres.stop();
      for (let i = 0; i < N; i++) {
        const [direct, via] = [await generate(ollama.url, i), await generate(gateway.url, i)];
        expect(via).toEqual(direct);
      }
      expect(await waitUntil(() => gateway.sink.stats().spooled === N)).toBe(true);
      const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
        storage: { reachable: boolean; backlog: number };
      };
      expect(health.storage).toMatchObject({ reachable: false, backlog: N });
      await postgres.start();
      expect(await waitUntil(async () => (await store.count().catch(() => -1)) === N + 1, 15_000)).toBe(true);
      const ids = (await store.records()).map((r) => r.id);
      expect(new Set(ids).size).toBe(N + 1);
    } finally {
      await gateway.close();
      await store.close();
    }
  });

  it('a restart while PostgreSQL is down loses nothing: the spool is on disk', async () => {
    const spoolPath = join(dir, 'restart.spool.jsonl');
    const env = { OLLAMA_URL: ollama.url, DATABASE_URL: postgres.url, SPOOL_PATH: spoolPath };
    const store = await openStore(postgres.url);
    const before = await store.count();
    const first = await startGatewayProcess(env);
    await postgres.stop();
    try {
      for (let i = 0; i < N; i++) expect((await generate(first.url, i)).status).toBe(200);
    } catch (error) {
      throw new Error(`gateway output:\n${first.output()}`, { cause: error });
    }
    expect(await first.stop()).toBe(0);
    expect(existsSync(spoolPath)).toBe(true);
    expect(readFileSync(spoolPath, 'utf8').trim().split('\n')).toHaveLength(N);

    await postgres.start();
    const second = await startGatewayProcess(env);
    try {
      expect(await waitUntil(async () => (await store.count().catch(() => -1)) === before + N, 15_000)).toBe(true);
      expect(await waitUntil(() => !existsSync(spoolPath))).toBe(true);
    } finally {
      await second.stop();
      await store.close();
    }
  });
});
