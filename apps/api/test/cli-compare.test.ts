/**
 * `ollama-perf report --compare` end to end, through the built CLI (run
 * `pnpm --filter @ollama-perf/api build` first) as a user runs it: two seeded weeks with a 30%
 * tokens/s regression in one model — the table flags that model alone, from a SQLite file and
 * from a running gateway answering from rollups; `--json` prints GET /stats/compare's JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { comparisonSchema } from '@ollama-perf/core';
import { serveOnPort } from '@ollama-perf/testkit';
import { regressionRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import { runCli } from './support/gateway-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-compare-'));
const db = `sqlite:${join(dir, 'weeks.sqlite')}`;
// The gateway's variables would leak in from the environment (turbo passes them through).
const ENV = { DATABASE_URL: '', API_TOKEN: '', COLD_START_MS: '', NO_COLOR: '' };
const { records, start, mid, end, regressed, steady } = regressionRecords();
const week2 = ['--since', new Date(mid).toISOString(), '--until', new Date(end).toISOString()];

beforeAll(async () => {
  const store = await openStore(db);
  await store.insert(records);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The models the table flags: the model cell of each row whose flag is "worse" (continuation rows have none). */
function flaggedModels(output: string): string[] {
  const flagged = new Set<string>();
  let model = '';
  for (const line of output.split('\n')) {
    const cells = line.trim().split(/ {2,}/);
    if (!line.startsWith('  ') || cells.length < 5) continue;
    if (line.startsWith('   ') === false && cells[0] !== 'model') model = cells[0] as string;
    if (cells[cells.length - 1] === 'worse') flagged.add(model);
  }
  return [...flagged];
}

describe('report --compare', () => {
  it('previous: flags the model that slowed down, and only it, in ≤ 100 columns', async () => {
    const { code, output } = await runCli(['report', '--db', db, ...week2, '--compare', 'previous'], ENV);
    expect(code).toBe(0);
    expect(output).toContain(`  baseline  ${new Date(start).toISOString()} → ${new Date(mid).toISOString()}`);
    expect(flaggedModels(output)).toEqual([regressed]);
    expect(output).toContain(`  Worse beyond noise: ${regressed}\n`);
    for (const model of steady) expect(output).toContain(model);
    expect(Math.max(...output.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it('--json prints the comparison as GET /stats/compare answers it, with an explicit baseline', async () => {
    const baseline = `${new Date(start).toISOString()}..${new Date(mid).toISOString()}`;
    const { code, output } = await runCli(['report', '--db', db, ...week2, '--compare', baseline, '--json'], ENV);
    expect(code).toBe(0);
    const comparison = comparisonSchema.parse(JSON.parse(output));
    expect(comparison.baseline_from).toBe(new Date(start).toISOString());
    expect(Object.entries(comparison.models).flatMap(([m, r]) => (r.regressed ? [m] : []))).toEqual([regressed]);
  });

  it.each([
    [['--compare', 'previous'], '--compare needs --since'],
    [[...week2, '--compare', 'last week'], 'is not "previous" or a window FROM..TO'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, output } = await runCli(['report', '--db', db, ...args], ENV);
    expect(code).toBe(2);
    expect(output).toContain(message);
  });

  describe('--url, against a gateway answering from rollups', () => {
    let url: string;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const store = await openStore(db);
      await store.rollups.build(Date.UTC(2030, 0, 1));
      store.exactUpTo = 0;
      const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:1', apiToken: 'tok' });
      const served = await serveOnPort(app);
      url = served.url;
      close = async () => {
        await served.close();
        await store.close();
      };
    });
    afterAll(() => close());

    it('flags the same model', async () => {
      const { code, output } = await runCli(
        ['report', '--url', url, '--token', 'tok', ...week2, '--compare', 'previous'],
        ENV,
      );
      expect(code).toBe(0);
      expect(output).toContain(`  source    gateway ${url}\n`);
      expect(flaggedModels(output)).toEqual([regressed]);
    });
  });
});
