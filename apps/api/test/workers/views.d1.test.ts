/** Compare, breakdowns and series (issue #17) on D1, inside workerd: the Worker's fetch handler, builds by its cron. */
import { env, SELF } from 'cloudflare:test';
import worker from '../../src/worker.ts';
import { viewsSuite } from '../suites/views.suite.ts';

viewsSuite('D1 (workerd)', async () => ({
  fetch: (path, init) => SELF.fetch(`http://gateway.test${path}`, init),
  async build(now) {
    const waits: Array<Promise<unknown>> = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => waits.push(p),
      passThroughOnException() {},
    } as unknown as ExecutionContext;
    worker.scheduled({ scheduledTime: now, cron: '* * * * *', noRetry() {} } as ScheduledController, env, ctx);
    // The second task of the cron is the rollup build (the first samples Ollama's /api/ps).
    await waits[1];
  },
}));
