import { defineConfig } from 'vitest/config';

// Each benchmark runs once with tiny sizes (child processes, SQLite, embedded PostgreSQL):
// slow to start on a small machine, so generous timeouts and one file at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
