import { defineConfig } from 'vitest/config';

// Property tests are CPU-bound: on a shared 2-core machine under load they run several
// times slower than alone, so each gets far more than vitest's 5 s default.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
