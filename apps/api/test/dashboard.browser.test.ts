/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core): with
 * API_TOKEN set it asks for the token once, then renders the numbers /stats returns for
 * seeded data, with no console error or warning, no failed request and no request leaving the
 * app; nothing is cut at 1280 or 1400 px and it fits 390 px. Screenshots go to test-artifacts/
 * (laptop and phone sizes).
 */
import { type RequestMetric, type Summary, summarize } from '@ollama-perf/core';
import { type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import type { Browser, Page } from 'playwright-core';
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

const TOKEN = 'dashboard-token';
const ZONE = 'Australia/Adelaide';

// The fixtures, moved to the last four hours so they fall inside the page's default 24 h window.
const now = Date.now();
const fixtures = fixtureRecords();
const shift = now - 4 * 3_600_000 - (fixtures[0] as RequestMetric).ts;
const records = fixtures.map((r) => ({ ...r, ts: r.ts + shift }));

// llama3.2 loaded 3 h ago until qwen replaced it 2 h ago; qwen is still loaded.
const RESIDENCY = [
  {
    id: 'r1',
    ts: now - 3 * 3_600_000,
    model: 'llama3.2',
    event: 'loaded' as const,
    size: 4e9,
    size_vram: 3e9,
    context_length: 4096,
  },
  {
    id: 'r2',
    ts: now - 2 * 3_600_000,
    model: 'qwen2.5vl:7b',
    event: 'loaded' as const,
    size: 6e9,
    size_vram: 5e9,
    context_length: 8192,
  },
  {
    id: 'r3',
    ts: now - 2 * 3_600_000,
    model: 'llama3.2',
    event: 'unloaded' as const,
    size: 4e9,
    size_vram: 3e9,
    context_length: 4096,
  },
];

let store: MetricStore;
let url: string;
let server: ServedApp | undefined;
let browser: Browser;

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.insert(records);
  await store.insertResidency(RESIDENCY);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:9', apiToken: TOKEN });
  server = await serveOnPort(app);
  url = server.url;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

/** The JSON the page reads, asked with the token. */
async function json(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as Record<string, unknown>;
}

/** The window (from, to) of the last `/stats` request the page made. */
function lastStatsWindow(asked: string[]): { from: number; to: number } {
  const last = asked.filter((p) => p.startsWith('/stats?series=')).at(-1) as string;
  const params = new URLSearchParams(last.slice(last.indexOf('?')));
  return { from: Number(params.get('from')), to: Number(params.get('to')) };
}

type Bucket = { bucket: string; requests: number; latency_ms: { p50: number | null } };
type TimeBreakdown = Record<
  'timed_requests' | 'load_ms' | 'prompt_eval_ms' | 'generation_ms' | 'other_ms',
  number | null
>;

const barValues = (page: Page, id: string) =>
  page
    .locator(`#${id} .bar-row`)
    .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.key, (r as HTMLElement).dataset.value]));

describe('dashboard in Chromium', () => {
  let laptop: Visit;
  let expected: Summary;

  beforeAll(async () => {
    // A zone half an hour off UTC: the hours of the day must be the viewer's.
    laptop = await visit(browser, url, { token: TOKEN, viewport: { width: 1280, height: 800 }, timezoneId: ZONE });
    expected = summarize(records);
  });
  it('asks for the token once and then keeps it', async () => {
    await laptop.page.reload();
    await laptop.page.locator('body[data-loaded="true"]').waitFor();
    expect(await laptop.page.locator('#login').isHidden()).toBe(true);
  });

  it('shows the totals /stats returns', async () => {
    const card = (label: string) => laptop.page.locator(`[data-card="${label}"] .value`).getAttribute('data-value');
    expect(Number(await card('Requests'))).toBe(expected.requests);
    expect(Number(await card('Latency p50'))).toBe(expected.latency_ms.p50);
    expect(Number(await card('Tokens/s p50'))).toBe(expected.tokens_per_second.p50);
    expect(expected.observed_tokens_per_second.p50).not.toBeNull();
    expect(Number(await card('Observed tok/s p50'))).toBe(expected.observed_tokens_per_second.p50);
    expect(Number(await card('Cold starts'))).toBe(expected.cold_starts);
  });

  it('shows one row per model with the figures /stats returns', async () => {
    const rows = laptop.page.locator('#models tbody tr');
    expect(await rows.count()).toBe(Object.keys(expected.by_model).length);
    for (const [model, group] of Object.entries(expected.by_model)) {
      const row = laptop.page.locator(`#models tbody tr[data-model="${model.replace(/["\\]/g, '\\$&')}"]`);
      const value = async (col: string) => {
        const text = await row.locator(`td[data-col="${col}"]`).getAttribute('data-value');
        return text === '' ? null : Number(text);
      };
      expect(await value('requests')).toBe(group.requests);
      expect(await value('success_rate')).toBe(group.success_rate);
      expect(await value('latency_p50')).toBe(group.latency_ms.p50);
      expect(await value('latency_p95')).toBe(group.latency_ms.p95);
      expect(await value('latency_p99')).toBe(group.latency_ms.p99);
      expect(await value('ttft_p50')).toBe(group.ttft_ms.p50);
      expect(await value('tokens_per_second_p50')).toBe(group.tokens_per_second.p50);
      expect(await value('observed_tokens_per_second_p50')).toBe(group.observed_tokens_per_second.p50);
      expect(await value('prompt_tokens_per_second_p50')).toBe(group.prompt_tokens_per_second.p50);
      expect(await value('warm_load_p50')).toBe(group.warm_load_ms.p50);
      expect(await value('cold_load_p50')).toBe(group.cold_load_ms.p50);
      expect(await value('cold_starts')).toBe(group.cold_starts);
      expect(await value('switches')).toBe(group.switches);
      expect(await value('switch_load_p50')).toBe(group.switch_load_ms.p50);
      expect(await row.locator('td').first().textContent()).toBe(model);
    }
  });

  it('draws the four charts and the VRAM chart', async () => {
    expect(await laptop.page.locator('#charts canvas').count()).toBe(4);
    expect(await laptop.page.locator('#chart-vram canvas').count()).toBe(1);
  });

  it('spans the chosen window on the time axis, not the data: four hours of data in a 24 h window', async () => {
    const window = lastStatsWindow(laptop.asked);
    expect(window.to - window.from).toBe(86_400_000);
    for (const id of ['chart-requests', 'chart-latency', 'chart-tps', 'chart-load']) {
      const chart = await chartOf(laptop.page, id);
      expect([chart.from, chart.to]).toEqual([window.from, window.to]);
    }
    // One point per hour; the hours without requests are gaps (null), not zeros.
    const requests = (await chartOf(laptop.page, 'chart-requests')).lines[0] as (number | null)[];
    expect(requests.length).toBeGreaterThanOrEqual(24);
    expect(requests.filter((v) => v !== null).length).toBeLessThanOrEqual(6);
    expect(requests.slice(0, 12)).toEqual(Array(12).fill(null));
  });

  it('draws no VRAM before the first residency sample: a gap and a note, never 0 GB', async () => {
    const firstSample = now - 3 * 3_600_000;
    const note = laptop.page.locator('#vram-note');
    expect(await note.getAttribute('data-known-from')).toBe(String(firstSample));
    expect(await note.textContent()).toMatch(/^No samples before /);
    const chart = await chartOf(laptop.page, 'chart-vram');
    const vram = chart.lines[0] as (number | null)[];
    // Steps: window start (unknown), llama loaded (3 GB), qwen replaces it (5 GB), window end.
    expect(vram).toEqual([null, 3, 5, 5]);
  });

  it('shows where the time goes per model, from time_breakdown', async () => {
    const stats = (await json(`/stats?from=${now - 86_400_000}`)) as {
      by_model: Record<string, { time_breakdown?: TimeBreakdown }>;
    };
    const timed = Object.entries(stats.by_model).filter(([, g]) => (g.time_breakdown?.timed_requests ?? 0) > 0);
    expect(timed.length).toBeGreaterThan(0);
    for (const [model, group] of timed) {
      const parts = await laptop.page
        .locator(`#chart-breakdown .bar-row[data-key="${model.replace(/["\\]/g, '\\$&')}"] .fill`)
        .evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.part, (e as HTMLElement).dataset.value]));
      const breakdown = group.time_breakdown as TimeBreakdown;
      expect(parts).toEqual(
        (['load_ms', 'prompt_eval_ms', 'generation_ms', 'other_ms'] as const).map((p) => [p, String(breakdown[p])]),
      );
    }
  });

  it("charts latency by requests in flight and requests by hour of day in the viewer's zone", async () => {
    const stats = (await json(`/stats?from=${now - 86_400_000}&tz=${ZONE}`)) as {
      by_concurrency: Bucket[];
      by_hour_of_day?: Array<{ hour: number; requests: number }>;
    };
    expect(await barValues(laptop.page, 'chart-concurrency')).toEqual(
      stats.by_concurrency.map((b) => [b.bucket, b.latency_ms.p50 === null ? '' : String(b.latency_ms.p50)]),
    );
    expect(stats.by_hour_of_day).toHaveLength(24);
    expect(await laptop.page.locator('#hours-caption').textContent()).toBe(ZONE);
    expect(await barValues(laptop.page, 'chart-hours')).toEqual(
      (stats.by_hour_of_day ?? []).map((h) => [String(h.hour), String(h.requests)]),
    );
  });

  it('switches every figure to one model with the model filter', async () => {
    const model = 'qwen2.5vl:7b';
    await choose(laptop.page, '#model', model);
    expect(laptop.asked.filter((p) => p.startsWith('/stats/qwen2.5vl%3A7b?series=hourly&'))).toHaveLength(1);
    const mine = summarize(records, { model });
    const card = (label: string) => laptop.page.locator(`[data-card="${label}"] .value`).getAttribute('data-value');
    expect(Number(await card('Requests'))).toBe(mine.requests);
    expect(Number(await card('Tokens/s p50'))).toBe(mine.tokens_per_second.p50);
    const rows = laptop.page.locator('#models tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-model')).toBe(model);
    // by_prompt_tokens comes with /stats/:model: one bar per bucket.
    const one = (await json(`/stats/${encodeURIComponent(model)}?from=${now - 86_400_000}`)) as {
      by_prompt_tokens: Bucket[];
    };
    expect(await barValues(laptop.page, 'chart-prompt')).toEqual(
      one.by_prompt_tokens.map((b) => [b.bucket, b.latency_ms.p50 === null ? '' : String(b.latency_ms.p50)]),
    );
    await choose(laptop.page, '#model', '');
    expect(Number(await card('Requests'))).toBe(expected.requests);
  });

  it('shows the residency timeline /models returns: one lane per model, one bar per interval', async () => {
    const lanes = laptop.page.locator('#timeline .lane');
    expect(await lanes.count()).toBe(2);
    const bars = async (model: string) =>
      laptop.page
        .locator(`#timeline .lane[data-model="${model}"] .segment`)
        .evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.from, (e as HTMLElement).dataset.to]));
    expect(await bars('llama3.2')).toEqual([[String(now - 3 * 3_600_000), String(now - 2 * 3_600_000)]]);
    expect(await bars('qwen2.5vl:7b')).toEqual([[String(now - 2 * 3_600_000), '']]);
  });

  it('filters by project', async () => {
    await choose(laptop.page, '#project', 'alpha');
    const card = await laptop.page.locator('[data-card="Requests"] .value').getAttribute('data-value');
    expect(Number(card)).toBe(summarize(records, { project: 'alpha' }).requests);
    await choose(laptop.page, '#project', '');
  });

  it('cuts nothing at 1280 and 1400 px: the model table scrolls inside its own box', async () => {
    await laptop.page.screenshot({ path: artifact('dashboard-laptop.png'), fullPage: true });
    expect(await overflowOf(laptop.page)).toBeLessThanOrEqual(0);
    await laptop.page.setViewportSize({ width: 1400, height: 900 });
    expect(await overflowOf(laptop.page)).toBeLessThanOrEqual(0);
    await laptop.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('has its own icon, makes no request outside the app, and logs no error, no warning, no failed request', async () => {
    expect(await laptop.page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    expect(laptop.asked.filter((p) => p.startsWith('/favicon'))).toEqual([]);
    expect(laptop.outside).toEqual([]);
    expect(laptop.problems).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const phone = await visit(browser, url, { token: TOKEN, viewport: { width: 390, height: 844 } });
    await phone.page.screenshot({ path: artifact('dashboard-phone.png'), fullPage: true });
    expect(await overflowOf(phone.page)).toBeLessThanOrEqual(0);
    // The model table is wider than a phone: it scrolls inside its own box, nothing is cut off.
    const table = await phone.page
      .locator('.table-wrap')
      .evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, overflow: getComputedStyle(e).overflowX }));
    expect(table.scroll).toBeGreaterThan(table.client);
    expect(table.overflow).toBe('auto');
    expect(phone.problems).toEqual([]);
    expect(phone.outside).toEqual([]);
  });
});
