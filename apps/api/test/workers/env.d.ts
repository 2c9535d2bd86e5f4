/** Bindings the workerd tests see: wrangler.jsonc's (worker-configuration.d.ts) plus the test-only ones. */
import type { D1Migration } from '@cloudflare/vitest-pool-workers';

declare global {
  namespace Cloudflare {
    // Added by vitest.workers.config.ts.
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
