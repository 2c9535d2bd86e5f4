/**
 * `ollama-perf serve` (what `pnpm start` runs): the gateway in front of Ollama, configured
 * by environment variables or flags of the same names; stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { resolveConfig, SETTINGS } from '../config.js';
import { startGateway } from '../node.js';
import { describeDatabase } from '../storage/open-node.js';
import { type CliIo, usageErrors } from './command.js';

/** Help of `serve`: every setting with its flag, environment variable and default. */
export function serveUsage(): string {
  const lines = SETTINGS.map(
    (s) =>
      `  --${s.flag.padEnd(16)} ${s.env.padEnd(15)} ${s.help}${s.fallback === undefined ? '' : ` (default ${s.fallback})`}`,
  );
  return `Usage: ollama-perf serve [options]\n\nRuns the gateway in front of Ollama; records every inference request.\n\nOptions (flag, environment variable, meaning):\n${lines.join('\n')}\n  --help             show this help\n`;
}

/** Runs the gateway until SIGINT/SIGTERM, then finishes in-flight requests and flushes records. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = usageErrors(() =>
    parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, strict: true }),
  );
  if (values.help === true) {
    io.stdout.write(serveUsage());
    return 0;
  }
  const config = resolveConfig(io.env, values as Record<string, string | undefined>);
  const gateway = await startGateway(config);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  say(`ollama-perf gateway listening on ${gateway.url}`);
  say(`  upstream   ${config.ollamaUrl}`);
  say(`  database   ${describeDatabase(config.databaseUrl)}`);
  say(`  stats      ${gateway.url}/stats`);
  say(`  dashboard  ${gateway.url}/dashboard`);
  say(`Point clients at it: OLLAMA_HOST=${gateway.url}`);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      say(`${signal}: finishing in-flight requests and flushing records…`);
      void gateway.stop().then(resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}
