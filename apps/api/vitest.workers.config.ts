/**
 * Runs test/workers/ inside workerd against the Worker build (src/worker.ts, wrangler.jsonc)
 * with a local D1 migrated from migrations/ — the same SQL `wrangler d1 migrations apply` runs.
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { SUITE_TOKEN } from './test/suites/token.js';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url)));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.jsonc' },
        // Rollups serve every window they can: the suites check them against exact answers.
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, API_TOKEN: SUITE_TOKEN, STATS_EXACT_UP_TO: '0' } },
      }),
    ],
    test: {
      include: ['test/workers/**/*.test.ts'],
      setupFiles: ['./test/workers/apply-migrations.ts'],
    },
  };
});
