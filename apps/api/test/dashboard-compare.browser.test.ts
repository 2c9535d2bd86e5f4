/// <reference lib="dom" />
/**
 * The dashboard's "vs previous period" in Chromium, on two weeks of traffic in which one
 * model got 30% slower in the second week: over the last 7 days (drawn day by day) exactly
 * that model is marked regressed in the table and named on the cards it got worse on, in
 * words as well as colour; over 30 days the drop shows on that model's own line. The
 * screenshot goes to test-artifacts/dashboard-regression.png.
 */

import { type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { regressionRecords } from '@ollama-perf/testkit/records';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import {
  artifact,
  chartOf,
  choose,
  launchChromium,
  overflowOf,
  type Visit,
  visit,
} from './support/dashboard-browser.js';

const DAY_MS = 86_400_000;
// The two weeks end now, so that the page's "last 7 days" is the second week and its previous period the first.
const data = regressionRecords(24, Date.now() - 14 * DAY_MS);
const [slow, steady] = [data.regressed, data.steady];
const MODELS = [slow, ...steady].sort();

let store: MetricStore;
let server: ServedApp;
let browser: Browser;

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.insert(data.records);
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
    expect(chart.lines).toHaveLength(MODELS.length);
  });

  it('marks exactly the model that got 30% slower, in the table and on the cards, in words', async () => {
    await laptop.page.screenshot({ path: artifact('dashboard-regression.png'), fullPage: true });
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
    // Lines come in model name order; the days before the data are gaps. The first and the last
    // day with data are partial; of the 13 others, the first six are week one, the last six week two.
    const weekOverWeek = (model: string) => {
      const days = (lines[MODELS.indexOf(model)] ?? []).filter((v): v is number => v !== null).slice(1, -1);
      expect(days.length).toBeGreaterThanOrEqual(13);
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      return mean(days.slice(-6)) / mean(days.slice(0, 6));
    };
    expect(weekOverWeek(slow)).toBeLessThan(0.8);
    for (const model of steady) expect(weekOverWeek(model)).toBeGreaterThan(0.9);
    await choose(laptop.page, '#range', '7d');
  });

  it('shows the regression on a phone too, with nothing cut', async () => {
    const phone = await visit(browser, server.url, { token: null, viewport: { width: 390, height: 844 } });
    await choose(phone.page, '#range', '7d');
    await phone.page.screenshot({ path: artifact('dashboard-regression-phone.png'), fullPage: true });
    expect(await overflowOf(phone.page)).toBeLessThanOrEqual(0);
    expect(await phone.page.locator(`#models tbody tr[data-regressed="true"]`).getAttribute('data-model')).toBe(slow);
    expect(phone.problems).toEqual([]);
  });

  it('logs no error, no warning, no failed request', () => {
    expect(laptop.problems).toEqual([]);
    expect(laptop.outside).toEqual([]);
  });
});
