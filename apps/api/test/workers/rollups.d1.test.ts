/** The rollup suite on D1, inside workerd: the Worker's fetch handler, and builds run by its cron handler. */
import { env, SELF } from 'cloudflare:test';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';
import { rollupSuite } from '../suites/rollups.suite.ts';
import { cronBuild } from './cron-build.ts';

rollupSuite('D1 (workerd)', async () => ({
  fetch: (path, init) => SELF.fetch(`http://gateway.test${path}`, init),
  db: openD1Store(env.DB).db,
  writesThrough: false,
  build: cronBuild,
}));
