/// <reference lib="dom" />
/**
 * Driving the dashboard in Debian's Chromium (playwright-core) for the browser tests: launch,
 * open the page (typing the token in), choose in a select and wait for the new numbers, and
 * read what the page drew. A visit collects every console error or warning, page error,
 * failed request and 4xx/5xx answer, so that a test can insist there are none.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the browser tests write their screenshots. */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

/** Starts Chromium (and makes sure the screenshot folder exists). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
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
}

/** The path of a screenshot named `name` in {@link ARTIFACTS}. */
export const artifact = (name: string) => new URL(name, ARTIFACTS).pathname;

/** A page of the dashboard and what happened while it ran. */
export interface Visit {
  page: Page;
  /** Console errors and warnings, page errors, failed requests and 4xx/5xx answers. */
  problems: string[];
  outside: string[];
  /** Every path + query the page asked this app for. */
  asked: string[];
}

/** How {@link visit} opens the page. */
export interface VisitOptions {
  /** The API token to type in when the page asks; null: the gateway has none. */
  token: string | null;
  viewport: { width: number; height: number };
  /** The browser's time zone (default UTC). */
  timezoneId?: string;
}

/**
 * Opens `${base}/dashboard` in a new browser context, types the token in when there is one, and
 * waits for the first numbers; from the start it collects problems, requests and outside requests.
 */
export async function visit(
  browser: Browser,
  base: string,
  { token, viewport, timezoneId = 'UTC' }: VisitOptions,
): Promise<Visit> {
  const context = await browser.newContext({ viewport, timezoneId });
  const page = await context.newPage();
  const problems: string[] = [];
  const outside: string[] = [];
  const asked: string[] = [];
  // Until the token is typed in, the page's requests answer 401 on purpose (and the browser logs that).
  let loggedIn = token === null;
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (!loggedIn && message.text().includes('401')) return;
    problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() < 400 || (!loggedIn && response.status() === 401)) return;
    problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.origin !== base) {
      outside.push(route.request().url());
      return route.abort();
    }
    asked.push(target.pathname + target.search);
    return route.continue();
  });
  await page.goto(`${base}/dashboard`);
  if (token !== null) {
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#content').isHidden()).toBe(true);
    loggedIn = true;
    await page.locator('#token').fill(token);
    await page.locator('#login button').click();
  }
  await page.locator('body[data-loaded="true"]').waitFor({ timeout: 15_000 });
  return { page, problems, outside, asked };
}

/** Chooses `value` in the select `selector` and waits until the page has drawn the answer. */
export async function choose(page: Page, selector: string, value: string): Promise<void> {
  const renders = Number(await page.evaluate(() => document.body.dataset.renders));
  await page.locator(selector).selectOption(value);
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, renders);
}

/** How far the page is wider than the screen (> 0: something is cut). */
export const overflowOf = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** A chart's x range and drawn values, as the page keeps them on the chart's element. */
export async function chartOf(page: Page, id: string) {
  return page.locator(`#${id}`).evaluate((e) => {
    const data = (e as HTMLElement).dataset;
    return {
      from: Number(data.from),
      to: Number(data.to),
      lines: JSON.parse(data.lines ?? '[]') as (number | null)[][],
    };
  });
}
