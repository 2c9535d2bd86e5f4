/// <reference lib="dom" />
/**
 * The dashboard's "vs previous period" in Chromium, on two weeks of traffic in which one
 * model got 30% slower in the second week: over the last 7 days (drawn day by day) exactly
 * that model is marked regressed in the table and named on the cards it got worse on, in
 * words as well as colour; over 30 days the drop shows on that model's own line. The
 * screenshot goes to test-artifacts/dashboard-regression.png.
 */

import { type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { artifact, chartOf, choose, launchChromium, type Visit, visit } from './support/dashboard-browser.js';
import { TWO_WEEK_MODELS, twoWeekRecords } from './support/two-week-records.js';

let store: MetricStore;
let server: ServedApp;
let browser: Browser;

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.insert(twoWeekRecords(Date.now()));
  server = await serveOnPort(createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:9' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

describe('dashboard: a week against the week before', () => {
  let laptop: Visit;

  beforeAll(async () => {
    laptop = await visit(browser, server.url, { token: null, viewport: { width: 1280, height: 800 } });
    await choose(laptop.page, '#range', '7d');
  });

  it('asks for the daily series over a week, and its axis spans the week', async () => {
    const last = laptop.asked.filter((p) => p.startsWith('/stats?series=')).at(-1) as string;
    expect(new URLSearchParams(last.slice(last.indexOf('?'))).get('series')).toBe('daily');
    const chart = await chartOf(laptop.page, 'chart-tps');
    expect(chart.to - chart.from).toBe(7 * 86_400_000);
    // One line per model.
    expect(chart.lines).toHaveLength(TWO_WEEK_MODELS.length);
  });

  it('marks exactly the model that got 30% slower, in the table and on the cards, in words', async () => {
    await laptop.page.screenshot({ path: artifact('dashboard-regression.png'), fullPage: true });
    const [slow, ...steady] = TWO_WEEK_MODELS;
    const row = (model: string) => laptop.page.locator(`#models tbody tr[data-model="${model}"]`);
    expect(await row(slow).getAttribute('data-regressed')).toBe('true');
    expect(await row(slow).locator('.flag').textContent()).toContain('regressed');
    for (const model of steady) expect(await row(model).getAttribute('data-regressed')).toBe('false');
    const tps = laptop.page.locator('[data-card="Tokens/s p50"]');
    expect(await tps.getAttribute('data-worse')).toBe(slow);
    expect(await tps.locator('.worse-mark').textContent()).toContain(slow);
    expect(await laptop.page.locator('[data-card="Regressions"] .value').getAttribute('data-value')).toBe('1');
  });

  it('says there are no residency samples, and draws no VRAM', async () => {
    expect(await laptop.page.locator('#vram-note').textContent()).toMatch(/^No samples/);
    const vram = (await chartOf(laptop.page, 'chart-vram')).lines[0] as (number | null)[];
    expect(vram.every((v) => v === null)).toBe(true);
  });

  it("shows the slow-down on the slow model's own tokens/s line over 30 days, and on no other", async () => {
    await choose(laptop.page, '#range', '30d');
    const lines = (await chartOf(laptop.page, 'chart-tps')).lines;
    // Lines come in model name order; the days before the data are gaps.
    const spread = (model: string) => {
      const values = (lines[([...TWO_WEEK_MODELS] as string[]).sort().indexOf(model)] ?? []).filter((v) => v !== null);
      expect(values.length).toBeGreaterThanOrEqual(14);
      return Math.max(...values) / Math.min(...values);
    };
    const [slow, ...steady] = TWO_WEEK_MODELS;
    expect(spread(slow)).toBeGreaterThan(1.3);
    for (const model of steady) expect(spread(model)).toBeLessThan(1.15);
    await choose(laptop.page, '#range', '7d');
  });

  it('logs no error, no warning, no failed request', () => {
    expect(laptop.problems).toEqual([]);
    expect(laptop.outside).toEqual([]);
  });
});
