/**
 * `ollama-perf report`: the statistics of recorded requests in the terminal, or as the
 * Summary JSON with `--json`. Reads the database directly (`--db`, default DATABASE_URL or
 * the default SQLite file) or asks a running gateway (`--url`, with `--token`).
 */
import { parseArgs } from 'node:util';
import { createStatsClient } from '@ollama-perf/client';
import { type Comparison, type StatsFilter, type Summary, summarize } from '@ollama-perf/core';
import { describeDatabase } from '../storage/open-node.js';
import { type CliIo, UsageError, usageErrors, wantsColor } from './command.js';
import { type CompareWindowsMs, compareWindowsOf } from './compare-window.js';
import { DB_HELP, databaseUrlOf, openDatabase } from './database.js';
import { filterFromFlags, filterHelp } from './filter-flags.js';
import { renderCompare } from './render-compare.js';
import { renderReport } from './render-report.js';

/** Help of `report`. */
export const REPORT_USAGE = `Usage: ollama-perf report [options]

Prints the statistics of recorded requests: overall figures, generation speed (tokens/s),
timing breakdown (load cold vs warm, prompt eval, generation, TTFT, latency), errors by
type and a per-model table.

Options:
${filterHelp('since', 'until')}
  --json             print the Summary JSON (as GET /stats answers) instead
  --compare BASE     compare each model with a baseline window: "previous" (as long as
                     --since..--until, just before it) or FROM..TO (e.g. 14d..7d); flags
                     changes beyond noise. With --json: the JSON of GET /stats/compare
${DB_HELP}
  --url GATEWAY      ask a running gateway instead, e.g. http://127.0.0.1:11435
  --token T          the gateway's API_TOKEN (default: API_TOKEN)
  --help             show this help

Colours only on a terminal, never with NO_COLOR set.
`;

const OPTIONS = {
  model: { type: 'string' },
  project: { type: 'string' },
  operation: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  json: { type: 'boolean' },
  compare: { type: 'string' },
  db: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean' },
} as const;

async function summaryFromGateway(url: string, token: string | undefined, filter: StatsFilter): Promise<Summary> {
  const client = createStatsClient({ url, token });
  if (filter.model === undefined) return client.summary(filter);
  // /stats/:model answers one model with its series; the report needs its Summary part.
  const { model, ...rest } = filter;
  const answer = await client.model(model, rest);
  if (answer === null) return summarize([], filter);
  const { model: _model, hourly: _hourly, ...summary } = answer;
  return summary;
}

async function summaryFromDatabase(url: string | undefined, filter: StatsFilter): Promise<Summary> {
  const store = await openDatabase(url, { mustExist: true });
  try {
    return await store.summary(filter);
  } finally {
    await store.close();
  }
}

async function comparisonOf(
  url: string | undefined,
  token: string | undefined,
  db: string | undefined,
  request: StatsFilter & CompareWindowsMs,
): Promise<Comparison> {
  if (url !== undefined) return createStatsClient({ url, token }).compare(request);
  const store = await openDatabase(db, { mustExist: true });
  try {
    return await store.compare(request);
  } finally {
    await store.close();
  }
}

/** Runs `report`. */
export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = usageErrors(() => parseArgs({ args, options: OPTIONS, strict: true }));
  if (values.help === true) {
    io.stdout.write(REPORT_USAGE);
    return 0;
  }
  if (values.url !== undefined && values.db !== undefined) throw new UsageError('give either --db or --url, not both');
  const filter = filterFromFlags({ ...values, from: values.since, to: values.until }, io.now(), 'since', 'until');
  const token = values.token ?? (io.env.API_TOKEN || undefined);
  const source =
    values.url === undefined ? describeDatabase(databaseUrlOf(values.db, io.env)) : `gateway ${values.url}`;
  if (values.compare !== undefined) {
    const windows = compareWindowsOf(values.compare, filter, io.now());
    const db = values.url === undefined ? databaseUrlOf(values.db, io.env) : undefined;
    const comparison = await comparisonOf(values.url, token, db, { ...filter, ...windows });
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify(comparison, null, 2)}\n`
        : renderCompare(comparison, { color: wantsColor(io.stdout, io.env), source }),
    );
    return 0;
  }
  const summary =
    values.url === undefined
      ? await summaryFromDatabase(databaseUrlOf(values.db, io.env), filter)
      : await summaryFromGateway(values.url, token, filter);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(renderReport(summary, { color: wantsColor(io.stdout, io.env), filter, source }));
  return 0;
}
