/** Compare, breakdowns and series (issue #17) on D1, inside workerd: the Worker's fetch handler, builds by its cron. */
import { SELF } from 'cloudflare:test';
import { viewsSuite } from '../suites/views.suite.ts';
import { cronBuild } from './cron-build.ts';

viewsSuite('D1 (workerd)', async () => ({
  fetch: (path, init) => SELF.fetch(`http://gateway.test${path}`, init),
  build: cronBuild,
}));
