/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core): with
 * API_TOKEN set it asks for the token once, then renders the numbers /stats returns for
 * seeded data, with no console errors and no request leaving the app. Screenshots go to
 * test-artifacts/ (laptop and phone sizes).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type RequestMetric, type Summary, summarize } from '@ollama-perf/core';
import { type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const TOKEN = 'dashboard-token';

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
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  store = await openStore(':memory:');
  await store.insert(records);
  await store.insertResidency(RESIDENCY);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:9', apiToken: TOKEN });
  server = await serveOnPort(app);
  url = server.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

interface Visit {
  page: Page;
  consoleErrors: string[];
  outside: string[];
}

async function visit(viewport: { width: number; height: number }): Promise<Visit> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  page.on('console', (message) => {
    // The login round trip answers 401 on purpose; the browser logs that as a failed resource.
    if (message.type() === 'error' && !message.text().includes('401')) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await context.route('**/*', (route) => {
    if (new URL(route.request().url()).origin !== url) {
      outside.push(route.request().url());
      return route.abort();
    }
    return route.continue();
  });
  await page.goto(`${url}/dashboard`);
  await page.locator('#login').waitFor({ state: 'visible' });
  expect(await page.locator('#content').isHidden()).toBe(true);
  await page.locator('#token').fill(TOKEN);
  await page.locator('#login button').click();
  await page.locator('body[data-loaded="true"]').waitFor({ timeout: 15_000 });
  return { page, consoleErrors, outside };
}

describe('dashboard in Chromium', () => {
  let laptop: Visit;
  let expected: Summary;

  beforeAll(async () => {
    laptop = await visit({ width: 1366, height: 900 });
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
    await laptop.page.locator('#project').selectOption('alpha');
    await laptop.page.waitForFunction(
      (n) => document.querySelector('[data-card="Requests"] .value')?.getAttribute('data-value') === String(n),
      summarize(records, { project: 'alpha' }).requests,
    );
    await laptop.page.locator('#project').selectOption('');
  });

  it('makes no request outside the app and logs no errors', async () => {
    await laptop.page.screenshot({ path: new URL('dashboard-laptop.png', ARTIFACTS).pathname, fullPage: true });
    expect(laptop.outside).toEqual([]);
    expect(laptop.consoleErrors).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const phone = await visit({ width: 390, height: 844 });
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await phone.page.screenshot({ path: new URL('dashboard-phone.png', ARTIFACTS).pathname, fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    expect(phone.consoleErrors).toEqual([]);
    expect(phone.outside).toEqual([]);
  });
});
