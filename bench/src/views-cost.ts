/**
 * What issue #17's breakdowns cost `/stats` when it is served from rollups: `by_hour_of_day`
 * needs the window's hours (one series row per hour), on top of the months and days the rest
 * of the summary merges. Fills a SQLite database with a synthetic history (30 days), builds its
 * rollups, then times, alternately in each round, the summary without the hour read (the
 * baseline: what `/stats` merged before) and with it, and the daily series. The store caches
 * `by_hour_of_day` of the closed hours of a window it was asked before: the first call of each
 * (nothing cached yet) is timed once, apart.
 *
 *   cd bench && npx tsx src/views-cost.ts [records]      # default 1,000,000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summaryOfParts } from '@ollama-perf/core/rollup';
import { openStore } from '../../apps/api/src/storage/open-node.ts';
import { buildRollups, fillSqlite } from './fill.js';
import { median } from './sample-stats.js';

const total = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 9;
const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-views-cost-'));
const url = `sqlite:${join(dir, 'views.sqlite')}`;

try {
  await fillSqlite(join(dir, 'views.sqlite'), { total });
  await buildRollups(url, total);
  const store = await openStore(url);
  store.exactUpTo = 0;
  const served = async () => {
    const plan = await store.rollups.served({}, 'month');
    if (plan === null) throw new Error('no rollups to serve from');
    return plan.parts;
  };
  let zones = 1;
  const variants: Record<string, () => Promise<unknown>> = {
    'summary without hours (baseline)': async () => summaryOfParts(await served(), {}, { hourParts: [] }),
    'summary with by_hour_of_day (GET /stats)': () => store.summary({}),
    // Another zone each round: never cached, what every call cost before the cache.
    'GET /stats, nothing cached (new tz each call)': () => store.summary({}, { tz: `Etc/GMT-${zones++}` }),
    'GET /stats/llama3.2': () => store.modelSummaryJson('llama3.2', {}),
    'GET /stats?series=daily': () => store.summaryJson({}, { series: 'daily' }),
    'GET /stats?series=hourly': () => store.summaryJson({}, { series: 'hourly' }),
  };
  const firsts = new Map<string, number>();
  for (const name of ['summary with by_hour_of_day (GET /stats)', 'GET /stats/llama3.2']) {
    const started = performance.now();
    await variants[name]?.();
    firsts.set(name, performance.now() - started);
  }
  const times = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const started = performance.now();
      await run();
      // Round 0 warms caches and is not counted.
      if (round > 0) times.get(name)?.push(performance.now() - started);
    }
  }
  await store.close();
  const baseline = median(times.get('summary without hours (baseline)') ?? []);
  console.log(
    `${total.toLocaleString('en-US')} records over 30 days, SQLite, from rollups, median of ${ROUNDS} rounds`,
  );
  for (const [name, samples] of times) {
    const ms = median(samples);
    console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / baseline).toFixed(2)}×`);
  }
  for (const [name, ms] of firsts)
    console.log(`  first call, nothing cached: ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
