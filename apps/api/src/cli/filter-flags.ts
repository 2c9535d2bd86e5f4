/**
 * The filter flags `report` and `export` share (`--model`, `--project`, `--operation` and a
 * time window) → core's StatsFilter, so a filter means here what it means in `/stats`.
 */
import { operationSchema, type StatsFilter } from '@ollama-perf/core';
import { UsageError } from './command.js';
import { parseSince } from './since.js';

/** The flags, as parsed (absent ones `undefined`). */
export interface FilterFlags {
  model?: string | undefined;
  project?: string | undefined;
  operation?: string | undefined;
  /** Start of the window (inclusive): `24h`, `7d`, ISO-8601 or epoch ms. */
  from?: string | undefined;
  /** End of the window (exclusive), same forms. */
  to?: string | undefined;
}

/** Help text of the filter flags; `fromFlag`/`toFlag` name them as the command does. */
export function filterHelp(fromFlag: string, toFlag: string): string {
  return [
    `  ${`--${fromFlag} WHEN`.padEnd(19)}start of the window: 24h, 7d, 30m (before now), ISO-8601 or epoch ms`,
    `  ${`--${toFlag} WHEN`.padEnd(19)}end of the window (exclusive), same forms`,
    '  --model M          one model only',
    '  --project P        one project only ("(none)" for records without one)',
    '  --operation O      generate, chat or embed',
  ].join('\n');
}

/**
 * The StatsFilter of the flags; a {@link UsageError} naming the flag when a value is unreadable.
 *
 * @example
 * filterFromFlags({ from: '24h', model: 'llama3.2' }, Date.now(), 'since', 'until')
 */
export function filterFromFlags(flags: FilterFlags, now: number, fromFlag = 'from', toFlag = 'to'): StatsFilter {
  const filter: StatsFilter = {};
  if (flags.from !== undefined) filter.from = timeOf(flags.from, now, fromFlag);
  if (flags.to !== undefined) filter.to = timeOf(flags.to, now, toFlag);
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    throw new UsageError(`--${fromFlag} must not be after --${toFlag}`);
  }
  if (flags.model !== undefined) filter.model = nonEmpty(flags.model, 'model');
  if (flags.project !== undefined) filter.project = nonEmpty(flags.project, 'project');
  if (flags.operation !== undefined) {
    const operation = operationSchema.safeParse(flags.operation);
    if (!operation.success) throw new UsageError(`--operation "${flags.operation}" is not generate, chat or embed`);
    filter.operation = operation.data;
  }
  return filter;
}

function timeOf(text: string, now: number, flag: string): number {
  const ms = parseSince(text, now);
  if (ms === null)
    throw new UsageError(
      `--${flag} "${text}" is not a time: use 24h, 7d, 30m, ISO-8601 (2026-11-27T10:00:00Z) or epoch ms`,
    );
  return ms;
}

function nonEmpty(text: string, flag: string): string {
  if (text.trim() === '') throw new UsageError(`--${flag} must not be empty`);
  return text;
}
