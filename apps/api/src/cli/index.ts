/**
 * The `ollama-perf` command line: dispatches to one module per subcommand (loaded on
 * demand, so `report` does not pay for the gateway's start-up), prints usage errors with a
 * pointer to `--help` (exit 2) and other failures as one line (exit 1).
 */
import type { CliIo, Command } from './command.js';
import { UsageError } from './command.js';

/** The top-level help. */
export const USAGE = `Usage: ollama-perf <command> [options]

Commands:
  serve     run the gateway in front of Ollama (records every inference request)
  report    print the statistics of recorded requests (or --json: the Summary JSON)
  import    load Ollama server logs, ollama-perf JSONL or Python performance.jsonl files
  export    write recorded requests as CSV or JSONL
  bench     measure models on this machine (cold/warm, prompt lengths, concurrency) and record the runs

Run "ollama-perf <command> --help" for a command's options.
`;

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  report: async () => (await import('./report.js')).reportCommand,
  import: async () => (await import('./import.js')).importCommand,
  export: async () => (await import('./export.js')).exportCommand,
  bench: async () => (await import('./bench/command.js')).benchCommand,
};

/**
 * Runs the command line `argv` (without `node` and the script) and resolves with the exit
 * code; never rejects.
 *
 * @example
 * process.exitCode = await runCommandLine(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now });
 */
export async function runCommandLine(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr.write(`ollama-perf: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`ollama-perf ${name}: ${error.message}\nRun "ollama-perf ${name} --help" for its options.\n`);
      return 2;
    }
    // One line, no stack: these are configuration and environment problems.
    io.stderr.write(`ollama-perf: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
