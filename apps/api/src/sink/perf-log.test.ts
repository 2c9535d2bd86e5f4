/**
 * The perf log's bounded queue: a disk slower than the traffic drops (and counts) new
 * lines once too many wait, says so once per streak, and keeps every line it queued.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from '@ollama-perf/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { perfLog } from './perf-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-perflog-unit-'));
  dirs.push(dir);
  return join(dir, 'perf.jsonl');
}

const records = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => record({ id: `${prefix}-${i}` }));
const idsIn = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: string }).id);

describe('perfLog queue', () => {
  it('drops and counts lines past maxQueued while a write is pending, keeping the ones it queued', async () => {
    const path = logPath();
    const errors: string[] = [];
    const log = perfLog(path, { maxBytes: 2 ** 30, maxQueued: 4, onError: (message) => errors.push(message) });
    // The first batch goes to the disk at once; the next ones wait behind it.
    log.write(records('a', 1));
    log.write(records('b', 2));
    log.write(records('c', 2));
    log.write(records('d', 3));
    log.write(records('e', 1));
    expect(log.lost()).toBe(4);
    await log.close();
    expect(idsIn(path)).toEqual(['a-0', 'b-0', 'b-1', 'c-0', 'c-1']);
    // One message for the overflowing streak, one at close for the total.
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/falls behind \(4 lines waiting\)/);
    expect(errors[1]).toMatch(/misses 4 record/);
  });

  it('writes everything when the disk keeps up', async () => {
    const path = logPath();
    const log = perfLog(path, { maxBytes: 2 ** 30, maxQueued: 4, onError: () => {} });
    for (let i = 0; i < 5; i++) {
      log.write(records(`r${i}`, 3));
      await log.close();
    }
    expect(idsIn(path)).toHaveLength(15);
    expect(log.lost()).toBe(0);
  });
});
