/**
 * The `ollama-perf` command line. `serve` (what `pnpm start` runs) starts the gateway;
 * its flags mirror the environment variables of the configuration.
 */
import { parseArgs } from 'node:util';
import { resolveConfig, SETTINGS } from './config.js';
import { describeDatabase, startGateway } from './node.js';

const USAGE = `Usage: ollama-perf <command> [options]

Commands:
  serve     run the gateway in front of Ollama (records every inference request)

Run "ollama-perf <command> --help" for a command's options.`;

function serveUsage(): string {
  const lines = SETTINGS.map((s) => `  --${s.flag.padEnd(16)} ${s.env.padEnd(15)} ${s.help}${s.fallback === undefined ? '' : ` (default ${s.fallback})`}`);
  return `Usage: ollama-perf serve [options]\n\nOptions (flag, environment variable, meaning):\n${lines.join('\n')}\n  --help             show this help`;
}

async function serveCommand(args: string[]): Promise<number> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, strict: true });
  if (values.help === true) {
    console.log(serveUsage());
    return 0;
  }
  const config = resolveConfig(process.env, values as Record<string, string | undefined>);
  const gateway = await startGateway(config);
  console.log(`ollama-perf gateway listening on ${gateway.url}`);
  console.log(`  upstream   ${config.ollamaUrl}`);
  console.log(`  database   ${describeDatabase(config.databaseUrl)}`);
  console.log(`  stats      ${gateway.url}/stats`);
  console.log(`  dashboard  ${gateway.url}/dashboard`);
  console.log(`Point clients at it: OLLAMA_HOST=${gateway.url}`);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      console.log(`${signal}: finishing in-flight requests and flushing records…`);
      void gateway.stop().then(resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'serve') return serveCommand(rest);
  console.error(`ollama-perf: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One line, no stack: these are configuration and environment problems.
    console.error(`ollama-perf: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
