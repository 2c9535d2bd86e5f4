/** The rollup suite on D1, inside workerd: the Worker's fetch handler, and the build its cron runs. */
import { env, SELF } from 'cloudflare:test';
import { d1Store } from '../../src/worker.ts';
import { rollupSuite } from '../suites/rollups.suite.ts';

rollupSuite('D1 (workerd)', async () => ({
  fetch: (path, init) => SELF.fetch(`http://gateway.test${path}`, init),
  build: (now) => d1Store(env.DB).rollups.build(now),
}));
