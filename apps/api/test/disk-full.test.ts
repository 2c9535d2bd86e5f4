/**
 * A full disk, for real: `ollama-perf serve` with its SQLite database and spool on a tiny
 * tmpfs that the test fills to the last byte. Proxied requests keep their exact answers and
 * the process never exits; /healthz says "degraded" and why, drops are counted, the log says
 * so once per episode; /ingest answers 507; once space is freed, writes resume without a restart.
 */
import { type StandIn, startStandInOllama } from '@ollama-perf/testkit';
import { fixtureRecords, record } from '@ollama-perf/testkit/records';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSpool } from '../src/sink/file-spool.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';
import { waitUntil } from './support/in-process-gateway.js';
import { mountTinyDisk, type TinyDisk } from './support/tiny-disk.js';

const N = 12;
let disk: TinyDisk;
let ollama: StandIn;
let gateway: GatewayProcess;

interface Health {
  status: string;
  reason?: string;
  storage: { dropped: number; degraded: string | null };
}

beforeAll(async () => {
  disk = mountTinyDisk('1m');
  ollama = await startStandInOllama();
  gateway = await startGatewayProcess({
    OLLAMA_URL: ollama.url,
    DATABASE_URL: `sqlite:${disk.path}/ollama-perf.sqlite`,
    SPOOL_PATH: `${disk.path}/spool.jsonl`,
  });
});
afterAll(async () => {
  await gateway?.stop();
  await ollama?.close();
  disk?.unmount();
});

const health = async () => (await (await fetch(`${gateway.url}/healthz`)).json()) as Health;
const generate = async (base: string, i: number) => {
  const res = await fetch(`${base}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', prompt: `n${i}`, stream: false }),
  });
  return { status: res.status, body: await res.text() };
};
const ingest = (records: unknown[]) =>
  fetch(`${gateway.url}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
const storedCount = () => {
  const db = new SqliteDatabase(`${disk.path}/ollama-perf.sqlite`, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from request_metrics').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const linesMatching = (pattern: RegExp) =>
  gateway
    .output()
    .split('\n')
    .filter((line) => pattern.test(line));

describe('a full disk', () => {
  it('degrades instead of crashing, answers /ingest 507, and resumes by itself once space is freed', async () => {
    await generate(ollama.url, -1); // Ollama loads the model once: every answer below is warm and comparable.
    disk.fill();
    for (let i = 0; i < N; i++) {
      const [direct, via] = [await generate(ollama.url, i), await generate(gateway.url, i)];
      expect(via).toEqual(direct);
    }
    const counted = await waitUntil(async () => (await health()).storage.dropped === N, 15_000);
    expect(counted, `/healthz: ${JSON.stringify(await health())}\ngateway output:\n${gateway.output()}`).toBe(true);
    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.reason).toContain('the disk is full');
    expect(degraded.storage.degraded).toContain('the disk is full');

    const refused = await ingest(fixtureRecords(3));
    expect(refused.status).toBe(507);
    expect(await refused.json()).toEqual({
      error: {
        code: 'insufficient_storage',
        message: 'the disk is full: records cannot be stored until space is freed; retry later',
      },
    });
    // One line per episode, however many records and retries it took.
    expect(linesMatching(/cannot write the spool/)).toHaveLength(1);
    expect(linesMatching(/storage writes fail/)).toHaveLength(1);

    disk.free();
    for (let i = 0; i < N; i++) expect((await generate(gateway.url, 100 + i)).status).toBe(200);
    expect(await waitUntil(() => storedCount() === N, 15_000)).toBe(true);
    expect(await waitUntil(async () => (await health()).status === 'ok', 15_000)).toBe(true);
    expect((await ingest(fixtureRecords(3))).status).toBe(200);
    expect(linesMatching(/storage writes resumed/)).toHaveLength(1);
    expect(gateway.child.exitCode).toBeNull();
  });

  it('an append the disk cut short: the lines it wrote count, its cut line is closed before the next record', () => {
    const spool = fileSpool(`${disk.path}/cut.spool.jsonl`);
    const batch = Array.from({ length: 100 }, (_, i) => record({ id: `cut-${String(i).padStart(3, '0')}` }));
    disk.fill();
    disk.freeSome(8192);
    expect(() => spool.append(batch)).toThrow(/ENOSPC/);
    const written = spool.size();
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(batch.length);
    disk.free();
    const last = record({ id: 'after-the-disk-was-freed' });
    spool.append([last]);
    expect(spool.size()).toBe(written + 2); // the cut line is a line too (kept aside on replay)
    const page = spool.peek(1000);
    expect(page.map((r) => r.id)).toEqual([...batch.slice(0, written).map((r) => r.id), last.id]);
    spool.advance();
    expect(spool.rejected()).toBe(1);
    expect(spool.size()).toBe(0);
  });
});
