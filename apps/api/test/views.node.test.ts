/** Compare, breakdowns and series (issue #17) on every Node backend: SQLite and PostgreSQL. */
import { viewsSuite } from './suites/views.suite.js';
import { suiteAppOver, TEST_DATABASES, testStores } from './support/test-databases.js';

const openTestStore = testStores();

for (const target of TEST_DATABASES) {
  viewsSuite(target.label, async () => {
    const { store } = await openTestStore(target);
    const app = suiteAppOver(store);
    return {
      fetch: (path, init) => Promise.resolve(app.request(path, init)),
      async build(now) {
        await store.rollups.build(now);
        // From here on, rollups serve every window they can.
        store.exactUpTo = 0;
      },
    };
  });
}
