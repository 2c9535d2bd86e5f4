/** The stats API suite on D1, inside workerd, through the Worker's own fetch handler. */
import { SELF } from 'cloudflare:test';
import { statsApiSuite } from '../suites/stats-api.suite.ts';

statsApiSuite('D1 (workerd)', () => (path, init) => SELF.fetch(`http://gateway.test${path}`, init));
