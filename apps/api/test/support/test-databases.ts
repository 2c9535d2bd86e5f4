/**
 * One real database per backend the Node opener knows, for the contract suites (D1 runs in
 * workerd: test/workers/). A new Node backend is one more entry here; storage-schema.test.ts
 * fails until it has one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll } from 'vitest';
import { createApp } from '../../src/app.js';
import { storeSink } from '../../src/sink/store-sink.js';
import { openStore } from '../../src/storage/open-node.js';
import type { MetricStore } from '../../src/storage/store.js';
import { SUITE_TOKEN } from '../suites/token.js';
import { startTestPostgres } from './postgres.js';

/** A started test database: its `DATABASE_URL`, and how to throw it away. */
export interface StartedDatabase {
  url: string;
  remove(): Promise<void>;
}

/** How a suite gets a fresh database of one backend. */
export interface TestDatabase {
  /** The backend's name (`StorageBackend.name`). */
  name: string;
  /** How suites title it. */
  label: string;
  start(): Promise<StartedDatabase>;
}

/** Every Node backend's test database. */
export const TEST_DATABASES: readonly TestDatabase[] = [
  {
    name: 'sqlite',
    label: 'SQLite',
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-sqlite-'));
      return {
        url: `sqlite:${join(dir, 'test.sqlite')}`,
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    label: 'PostgreSQL',
    async start() {
      const postgres = await startTestPostgres();
      return { url: postgres.url, remove: () => postgres.remove() };
    },
  },
];

/** A migrated store over a fresh test database, and that database's URL. */
export interface TestStore {
  store: MetricStore;
  url: string;
}

/**
 * A function that opens a migrated store over a fresh test database; every store it opened is
 * closed, and its database removed, after the file's tests.
 *
 * @example
 * const openTestStore = testStores();
 * for (const target of TEST_DATABASES) suite(target.label, async () => serve((await openTestStore(target)).store));
 */
export function testStores(): (target: TestDatabase) => Promise<TestStore> {
  const opened: Array<{ database: StartedDatabase; store: MetricStore }> = [];
  afterAll(async () => {
    for (const { database, store } of opened) {
      await store.close();
      await database.remove();
    }
  }, 30_000);
  return async (target) => {
    const database = await target.start();
    const store = await openStore(database.url).catch(async (error: unknown) => {
      await database.remove();
      throw error;
    });
    opened.push({ database, store });
    return { store, url: database.url };
  };
}

/** The app a contract suite calls over `store`: no Ollama behind it, the suite's token required. */
export function suiteAppOver(store: MetricStore): Hono {
  return createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434', apiToken: SUITE_TOKEN });
}
