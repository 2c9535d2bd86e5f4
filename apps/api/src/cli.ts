/**
 * The `ollama-perf` command line. `serve` starts the gateway (apps/api issue); until it
 * lands, it says so and exits non-zero rather than pretending to measure anything.
 */
const [command = 'serve'] = process.argv.slice(2);

if (command === 'serve') {
  console.error(
    'ollama-perf serve: the gateway is not built yet. It will listen on http://127.0.0.1:11435, ' +
      'proxy to OLLAMA_URL (http://127.0.0.1:11434) and store records in ./data/ollama-perf.sqlite.',
  );
  process.exitCode = 1;
} else {
  console.error(`ollama-perf: unknown command "${command}". Commands: serve`);
  process.exitCode = 2;
}
