/**
 * Spool replay never loses a line silently: lines of an older record version are upgraded and
 * written, lines that are no record of any version are kept in `<spool>.rejected.jsonl` with
 * one log line and a count in /healthz, and the spool file goes only once every line is
 * written or kept aside — a failure to keep them aside leaves it in place. Real SQLite
 * files, real spool files, the gateway served on a real port.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestMetric } from '@ollama-perf/core';
import { deadUrl } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSpool } from '../src/sink/file-spool.js';
import { openStore } from '../src/storage/open-node.js';
import { serveGateway, waitUntil } from './support/in-process-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-spool-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record line as the first release wrote it: without the fields added since. */
const firstRelease = ({
  concurrency: _c,
  switched_from: _s,
  output_chunks: _o,
  decode_ms: _d,
  ...rest
}: RequestMetric) => JSON.stringify(rest);

/** 30 spooled lines: 13 current, 10 of the first release, 5 out of bounds, 2 not JSON records. */
function spoolThirtyLines(path: string): { current: RequestMetric[]; older: RequestMetric[]; bad: string[] } {
  const records = fixtureRecords(28);
  const current = records.slice(0, 13);
  const older = records.slice(13, 23);
  const bad = [
    ...records.slice(23, 28).map((r) => JSON.stringify({ ...r, latency_ms: -1 })),
    '{"id":"cut-by-a-cra',
    'not json at all',
  ];
  fileSpool(path).append(current);
  appendFileSync(path, [...older.map(firstRelease), ...bad].map((line) => `${line}\n`).join(''));
  return { current, older, bad };
}

describe('spool replay', () => {
  it('writes current and older lines, keeps the rest aside with one log line and a count in /healthz', async () => {
    const spoolPath = join(dir, 'mixed.spool.jsonl');
    const { current, older, bad } = spoolThirtyLines(spoolPath);
    const store = await openStore(`sqlite:${join(dir, 'mixed.sqlite')}`);
    const notices: string[] = [];
    const gateway = await serveGateway(store, await deadUrl(), spoolPath, {}, { onNotice: (m) => notices.push(m) });
    try {
      expect(await waitUntil(() => !existsSync(spoolPath))).toBe(true);
      const stored = await store.records();
      expect(stored.map((r) => r.id).sort()).toEqual([...current, ...older].map((r) => r.id).sort());
      expect(stored.filter((r) => older.some((o) => o.id === r.id))).toEqual(
        older.map((r) => ({ ...r, concurrency: null, switched_from: null, output_chunks: null, decode_ms: null })),
      );
      expect(readFileSync(`${spoolPath}.rejected.jsonl`, 'utf8')).toBe(bad.map((line) => `${line}\n`).join(''));
      expect(notices).toEqual([
        `7 spooled line(s) are not records of any version; kept aside in ${spoolPath}.rejected.jsonl`,
      ]);
      const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as { storage: Record<string, unknown> };
      expect(health.storage).toMatchObject({ backlog: 0, spooled: 0, written: 23, dropped: 0, rejected: 7 });
    } finally {
      await gateway.close();
      await gateway.sink.close();
      await store.close();
    }
    // The count outlives the process: a restart reads it from the file kept aside.
    expect(fileSpool(spoolPath).rejected()).toBe(7);
  });

  it('leaves the spool in place while the lines to keep aside cannot be written, then goes on', async () => {
    const spoolPath = join(dir, 'blocked.spool.jsonl');
    const { current, older, bad } = spoolThirtyLines(spoolPath);
    const store = await openStore(`sqlite:${join(dir, 'blocked.sqlite')}`);
    const spool = fileSpool(spoolPath);
    // A directory where the rejected file belongs: every append to it fails, for real (EISDIR).
    mkdirSync(spool.rejectedPath);
    const gateway = await serveGateway(store, await deadUrl(), spoolPath);
    try {
      expect(await waitUntil(() => gateway.sink.stats().lastError !== null)).toBe(true);
      expect(existsSync(spoolPath)).toBe(true);
      expect(gateway.sink.stats()).toMatchObject({ spooled: 30, rejected: 0 });
      expect(gateway.sink.stats().degraded).toContain('EISDIR');
      rmSync(spool.rejectedPath, { recursive: true });
      expect(await waitUntil(() => !existsSync(spoolPath))).toBe(true);
      expect(await store.count()).toBe(current.length + older.length);
      expect(readFileSync(spool.rejectedPath, 'utf8')).toBe(bad.map((line) => `${line}\n`).join(''));
      expect(gateway.sink.stats()).toMatchObject({ rejected: 7, degraded: null, dropped: 0 });
    } finally {
      await gateway.close();
      await gateway.sink.close();
      await store.close();
    }
  });
});
