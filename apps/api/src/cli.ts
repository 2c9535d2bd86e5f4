/**
 * The `ollama-perf` executable's entry (bin/ollama-perf.js imports the compiled file):
 * runs the command line of src/cli/ with this process's streams, environment and clock.
 */
import { runCommandLine } from './cli/index.js';

// `ollama-perf export … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCommandLine(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: Date.now,
}).then((code) => {
  process.exitCode = code;
});
