/**
 * `ollama-perf bench [models…]`: measures models on this machine through the official
 * `ollama` client — cold vs warm loads, prompt speed by prompt length, generation speed,
 * TTFT and inter-token latency under N parallel streams — and keeps every measured request
 * as an ordinary record (project `<project>:<run id>`) beside live traffic. Ctrl-C and
 * --max-minutes stop it cleanly: what finished is printed and kept.
 */
import { parseArgs } from 'node:util';
import { type CliIo, usageErrors, writeAll } from '../command.js';
import { DB_HELP, databaseUrlOf } from '../database.js';
import { createProgressBar } from '../progress.js';
import { renderBenchMarkdown } from './render-markdown.js';
import { renderBenchTable } from './render-table.js';
import { type BenchStop, benchSteps, runBench } from './runner.js';
import { benchSettings, DEFAULT_BENCH_URL } from './settings.js';
import { openBenchTarget } from './target.js';

/** Help of `bench`. */
export const BENCH_USAGE = `Usage: ollama-perf bench MODEL… [options]

Measures models on this machine: prompt tokens/s by prompt length, generation tokens/s
(Ollama's and observed), time to first token, inter-token latency, aggregate tokens/s of N
parallel streams, and load time cold vs warm; median and spread over runs. Each prompt
starts with a unique prefix so Ollama's prompt cache cannot serve it.

Every measured request is recorded under project <project>:<run id>, so
/stats?project=bench:<run id>, report --project and the dashboard show the run. Through a
gateway the gateway records them; straight to Ollama bench stores them (--db or --ingest-url).

Options:
  --prompt-tokens L  prompt lengths in tokens, comma-separated (default 128,512,2048,8192)
  --output-tokens N  tokens generated per request, num_predict (default 128)
  --num-ctx N        context window of every request (default: the longest prompt + output, in KiB)
  --runs N           measured runs per prompt length × concurrency, after one warm-up (default 5)
  --concurrency L    parallel streams per run, comma-separated, e.g. 1,2,4,8 (default 1)
  --cold             also measure cold loads: unload each model (keep_alive 0) --runs times
  --url URL          Ollama or an ollama-perf gateway (default OLLAMA_HOST, else ${DEFAULT_BENCH_URL})
  --project P        project prefix of the records (default bench)
  --run-id ID        the run's id (default its UTC start, e.g. 20261130-101500)
  --max-minutes M    start no new run after M minutes; report what finished
  --json             print the results as JSON
  --markdown         print the results as a Markdown table
  --no-cache-defeat  send the same prompt every run (shows what the prompt cache does to prompt speed)
${DB_HELP}
  --ingest-url URL   straight to Ollama: POST records to this gateway's /ingest instead of --db
  --token T          the gateway's API_TOKEN, for --ingest-url and /healthz (default API_TOKEN)
  --unload-timeout S seconds to wait for /api/ps to drop an unloaded model (default 60)
  --help             show this help

Ctrl-C stops after the requests in flight are cancelled and prints what finished.
Exit code: 0 when every model finished (or --max-minutes ended the run), 1 when a model
failed, 130 after Ctrl-C.
`;

const OPTIONS = {
  'prompt-tokens': { type: 'string' },
  'output-tokens': { type: 'string' },
  'num-ctx': { type: 'string' },
  runs: { type: 'string' },
  concurrency: { type: 'string' },
  cold: { type: 'boolean' },
  url: { type: 'string' },
  project: { type: 'string' },
  'run-id': { type: 'string' },
  'max-minutes': { type: 'string' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  'no-cache-defeat': { type: 'boolean' },
  db: { type: 'string' },
  'ingest-url': { type: 'string' },
  token: { type: 'string' },
  'unload-timeout': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Runs `bench`. */
export async function benchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help === true) {
    io.stdout.write(BENCH_USAGE);
    return 0;
  }
  const settings = benchSettings(values, positionals, io.env, io.now());
  const target = await openBenchTarget(settings, databaseUrlOf(values.db, io.env), io.env);
  io.stderr.write(`bench ${settings.runId}: ${target.description}\n`);
  const stop: BenchStop = { reason: null };
  const onInterrupt = () => {
    stop.reason = 'interrupted';
    target.abort();
    io.stderr.write('\nstopping: cancelling the requests in flight, keeping what finished\n');
  };
  process.once('SIGINT', onInterrupt);
  let current = '';
  let steps = 0;
  const bar = createProgressBar({
    stream: io.stderr,
    total: benchSteps(settings),
    label: 'bench',
    describe: (done, total) => `${done}/${total}  ${current}`,
  });
  let result: Awaited<ReturnType<typeof runBench>>;
  try {
    result = await runBench(settings, {
      measured: target.measured,
      setup: target.setup,
      gateway: target.gateway,
      stop,
      now: io.now,
      onStep: (label) => {
        current = label;
        bar.update(steps++, 0);
      },
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    bar.done();
    await target.close();
  }
  const text =
    values.json === true
      ? `${JSON.stringify(result, null, 2)}\n`
      : values.markdown === true
        ? renderBenchMarkdown(result)
        : renderBenchTable(result);
  await writeAll(io.stdout, text);
  if (result.stopped === 'interrupted') return 130;
  return result.models.some((m) => m.error !== null) ? 1 : 0;
}
