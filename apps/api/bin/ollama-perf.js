#!/usr/bin/env node
// The `ollama-perf` command: runs the compiled CLI (built by `pnpm build`).
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('ollama-perf: not built yet — run `pnpm build` (or `pnpm start`) at the repository root first.');
    process.exit(1);
  }
  throw error;
});
