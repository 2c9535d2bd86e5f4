/** Runs test/workers/ inside workerd (the Workers runtime) to prove the Hono entry is edge-safe. */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: '2026-04-01' } })],
  test: {
    include: ['test/workers/**/*.test.ts'],
  },
});
