import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from '@ollama-perf/testkit/records';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../storage/open-node.js';
import { fileSpool } from './file-spool.js';
import { storeSink } from './store-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshPath = () => join(dir, `spool-${files++}.jsonl`);
const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => record({ id: `r-${String(from + i).padStart(5, '0')}`, model: 'ünï 🦙 model' }));
const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);

describe('fileSpool', () => {
  it('replays page by page, and resumes after the last page written across a restart', () => {
    const path = freshPath();
    const spool = fileSpool(path);
    spool.append(records(10));
    expect(ids(spool.peek(4))).toEqual(ids(records(4)));
    spool.advance();

    const restarted = fileSpool(path);
    expect(restarted.size()).toBe(6);
    expect(ids(restarted.peek(4))).toEqual(ids(records(4, 4)));
    restarted.advance();
    expect(ids(restarted.peek(4))).toEqual(ids(records(2, 8)));
    restarted.advance();
    expect(restarted.size()).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.offset`)).toBe(false);
  });

  it('replays a page again when it was not written (peeked, never advanced)', () => {
    const path = freshPath();
    fileSpool(path).append(records(5));
    const spool = fileSpool(path);
    expect(ids(spool.peek(3))).toEqual(ids(records(3)));
    const restarted = fileSpool(path);
    expect(restarted.size()).toBe(5);
    expect(ids(restarted.peek(3))).toEqual(ids(records(3)));
  });

  it('keeps records appended after a line cut by a crash, and skips only the cut line', () => {
    const path = freshPath();
    fileSpool(path).append(records(2));
    appendFileSync(path, '{"id":"cut-by-a-cra');
    const spool = fileSpool(path);
    spool.append(records(1, 2));
    expect(ids(spool.peek(10))).toEqual(ids(records(3)));
    spool.advance();
    expect(spool.size()).toBe(0);
  });

  it('reads pages that cross its read blocks, multi-byte characters included', () => {
    const path = freshPath();
    const many = records(4000);
    const spool = fileSpool(path);
    spool.append(many);
    const read: string[] = [];
    while (spool.size() > 0) {
      read.push(...ids(spool.peek(700)));
      spool.advance();
    }
    expect(read).toEqual(ids(many));
  });
});

describe('storeSink over a file spool', () => {
  it('after a failed replay, writes each spooled record once, resuming where the failure stopped', async () => {
    const path = freshPath();
    fileSpool(path).append(records(9));
    const store = await openStore(':memory:');
    const insert = store.insert.bind(store);
    const written: string[] = [];
    let calls = 0;
    // The database fails on the second page of the replay, then recovers.
    store.insert = async (batch) => {
      calls++;
      if (calls === 2) throw new Error('database went away');
      written.push(...ids(batch));
      return insert(batch);
    };
    const sink = storeSink(store, { spool: fileSpool(path), batchSize: 3, flushIntervalMs: 5, maxRetryDelayMs: 10 });
    for (let i = 0; i < 200 && sink.stats().backlog > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await sink.close();
    expect(written).toEqual(ids(records(9)));
    expect(await store.count()).toBe(9);
    await store.close();
  });
});
