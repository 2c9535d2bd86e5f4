/** The rollup suite on D1, inside workerd: the Worker's fetch handler, and builds run by its cron handler. */
import { env, SELF } from 'cloudflare:test';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';
import type { BuildResult } from '../../src/storage/rollups/index.ts';
import worker from '../../src/worker.ts';
import { rollupSuite } from '../suites/rollups.suite.ts';

rollupSuite('D1 (workerd)', async () => ({
  fetch: (path, init) => SELF.fetch(`http://gateway.test${path}`, init),
  db: openD1Store(env.DB).db,
  writesThrough: false,
  async build(now) {
    const waits: Array<Promise<unknown>> = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => waits.push(p),
      passThroughOnException() {},
    } as unknown as ExecutionContext;
    worker.scheduled({ scheduledTime: now, cron: '* * * * *', noRetry() {} } as ScheduledController, env, ctx);
    // The second task of the cron is the rollup build (the first samples Ollama's /api/ps).
    const [, built] = await Promise.all(waits);
    // That sample finds no Ollama here and stores the poll; the suite compares answers made from
    // records alone (test/workers/availability.d1.test.ts covers the polls).
    await openD1Store(env.DB).db.deleteFrom('ollama_availability').execute();
    return built as BuildResult;
  },
}));
