/** The stats API suite on SQLite (a real file database), as the Node gateway runs it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { SUITE_TOKEN, statsApiSuite } from './suites/stats-api.suite.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-sqlite-'));
let store: MetricStore | undefined;
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

statsApiSuite('SQLite', async () => {
  store = await openStore(`sqlite:${join(dir, 'stats.sqlite')}`);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434', apiToken: SUITE_TOKEN });
  return (path, init) => Promise.resolve(app.request(path, init));
});
