/** The Node gateway's rollup timer: catches up a backlog in steps, keeps going after a failure, stops cleanly. */

import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import { startRollupTimer } from '../src/storage/rollup-timer.js';
import type { MetricStore } from '../src/storage/store.js';

let store: MetricStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('rollup timer', () => {
  it('builds a backlog of more periods than one step takes, then /stats is served from rollups', async () => {
    store = await openStore(':memory:');
    // 48 hours over 3 days, a month before the fixtures' date (so in the past whenever this runs):
    // more periods than one step (20) builds.
    await store.insert(fixtureRecords(480, 48).map((r) => ({ ...r, ts: r.ts - 30 * 86_400_000 })));
    const timer = startRollupTimer(store, 60_000, (error) => {
      throw error;
    });
    await vi.waitFor(
      async () => {
        // October (all three days) is whole in one month rollup: nothing is left to read from records.
        const plan = await (store as MetricStore).rollups.plan({}, false);
        expect(plan.months).toEqual([Date.UTC(2026, 9, 1)]);
        expect([plan.days, plan.hours]).toEqual([[], []]);
      },
      { timeout: 20_000, interval: 100 },
    );
    await timer.stop();
  });

  it('builds soon after a nudge (an import into closed periods), not only at the next tick', async () => {
    store = await openStore(':memory:');
    // An hour between ticks: only the nudge can build what is inserted after start-up.
    const build = vi.spyOn(store.rollups, 'build');
    const timer = startRollupTimer(store, 3_600_000, (error) => {
      throw error;
    });
    // The start-up build has run (over an empty database) before the import lands.
    await vi.waitFor(() => expect(build).toHaveBeenCalledTimes(1));
    await build.mock.results[0]?.value;
    await store.insert(fixtureRecords(120, 12).map((r) => ({ ...r, ts: r.ts - 30 * 86_400_000 })));
    timer.nudge();
    await vi.waitFor(
      async () => {
        const plan = await (store as MetricStore).rollups.plan({}, false);
        expect(plan.months).toEqual([Date.UTC(2026, 9, 1)]);
      },
      { timeout: 20_000, interval: 100 },
    );
    await timer.stop();
  });

  it('reports a failing build and tries again on the next tick', async () => {
    store = await openStore(':memory:');
    const errors: unknown[] = [];
    const build = vi
      .spyOn(store.rollups, 'build')
      .mockRejectedValueOnce(new Error('database is locked'))
      .mockResolvedValue({ hours: 0, days: 0, months: 0 });
    const timer = startRollupTimer(store, 20, (error) => errors.push(error));
    await vi.waitFor(() => expect(build.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await timer.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['database is locked']);
    const calls = build.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(build.mock.calls.length).toBe(calls);
  });
});
