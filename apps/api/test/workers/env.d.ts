/** Bindings the workerd tests see (wrangler.jsonc plus the test-only ones from vitest.workers.config.ts). */
import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { WorkerEnv } from '../../src/worker.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
