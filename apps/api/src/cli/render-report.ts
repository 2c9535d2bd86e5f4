/**
 * The terminal report of `ollama-perf report`: a Summary as the sections Ollama operators
 * know — overall statistics, generation performance, timing breakdown (load cold vs warm,
 * prompt eval, generation, TTFT), errors by type and a per-model table. Pure: the caller
 * decides whether colours are wanted.
 */
import { type GroupSummary, type StatJson, type StatsFilter, type Summary, statSchema } from '@ollama-perf/core';
import { renderTable, type TableColumn } from './table.js';

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** ANSI colours (only for a terminal that wants them). */
  color: boolean;
  /** The filter the summary was made with, shown under the title. */
  filter?: StatsFilter;
  /** Where the figures came from (database or gateway), shown under the title. */
  source?: string;
}

const NONE = '-';
const en1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const en0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A rate or duration as the report prints it: one decimal, thousands separated; `-` when unknown. */
export function formatNumber(value: number | null): string {
  return value === null ? NONE : en1.format(value);
}

/** A count as the report prints it: `171,233`. */
export function formatCount(value: number): string {
  return en0.format(value);
}

/** A share as the report prints it: `91.7%`; `-` when there is nothing to share. */
export function formatPercent(value: number | null): string {
  return value === null ? NONE : `${en1.format(value * 100)}%`;
}

/** The text styles of the report. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

/** ANSI styles, or plain text when `color` is false. */
export function styles(color: boolean): Styles {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39) };
}

const STAT_COLUMNS: TableColumn[] = ['count', 'avg', 'p50', 'p95', 'min', 'max'].map((header) => ({ header }));

function statCells(stat: StatJson): string[] {
  return [
    formatCount(stat.count),
    formatNumber(stat.avg),
    formatNumber(stat.p50),
    formatNumber(stat.p95),
    formatNumber(stat.min),
    formatNumber(stat.max),
  ];
}

// Figures added to the Summary after this report was written (it may grow, never rename)
// are shown when present, read defensively since an older gateway will not send them.
function optionalStat(group: GroupSummary, field: string): StatJson | null {
  const parsed = statSchema.safeParse((group as Record<string, unknown>)[field]);
  return parsed.success ? parsed.data : null;
}

function optionalCount(group: GroupSummary, field: string): number | null {
  const value = (group as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : null;
}

function rateColor(rate: number | null, s: Styles): (text: string) => string {
  if (rate === null) return (text) => text;
  return rate >= 0.99 ? s.green : rate >= 0.9 ? s.yellow : s.red;
}

function describeFilter(summary: Summary, options: ReportOptions): string[] {
  const lines: string[] = [];
  if (options.source !== undefined) lines.push(`  source    ${options.source}`);
  const window =
    summary.from === null && summary.to === null
      ? 'all records'
      : `${summary.from ?? 'start'} → ${summary.to ?? 'now'}`;
  lines.push(`  window    ${window}`);
  const filter = options.filter ?? {};
  const scope = [
    filter.model === undefined ? null : `model ${printable(filter.model)}`,
    filter.operation === undefined ? null : `operation ${filter.operation}`,
    filter.project === undefined ? null : `project ${printable(filter.project)}`,
  ].filter((part): part is string => part !== null);
  if (scope.length > 0) lines.push(`  filter    ${scope.join(', ')}`);
  return lines;
}

/**
 * `text` with control characters replaced, safe to print: model names and projects come from
 * requests, never let them move the cursor or recolour the terminal.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function modelRow(model: string, group: GroupSummary, s: Styles): string[] {
  return [
    printable(model),
    formatCount(group.requests),
    rateColor(group.success_rate, s)(formatPercent(group.success_rate)),
    formatNumber(group.tokens_per_second.p50),
    formatNumber(group.tokens_per_second.p95),
    formatNumber(group.latency_ms.p50),
    formatNumber(group.latency_ms.p95),
    formatNumber(group.ttft_ms.p50),
    formatNumber(group.cold_load_ms.avg),
    formatNumber(group.warm_load_ms.avg),
    formatCount(group.cold_starts),
  ];
}

function loadRows(summary: Summary): string[][] {
  const afterSwitch = optionalStat(summary, 'switch_load_ms');
  if (afterSwitch === null)
    return [
      ['  cold', ...statCells(summary.cold_load_ms)],
      ['  warm', ...statCells(summary.warm_load_ms)],
    ];
  return [
    ['  cold', ...statCells(summary.cold_load_ms)],
    ['  cold, model switch', ...statCells(afterSwitch)],
    ['  warm', ...statCells(summary.warm_load_ms)],
  ];
}

/**
 * The report as text (lines joined with "\n", ending in one).
 *
 * @example
 * process.stdout.write(renderReport(await store.summary(filter), { color: process.stdout.isTTY, filter }));
 */
export function renderReport(summary: Summary, options: ReportOptions): string {
  const s = styles(options.color);
  const heading = (text: string) => s.bold(text);
  const table = (columns: TableColumn[], rows: string[][]) => renderTable(columns, rows, { styleHeader: s.dim });
  const out: string[] = [heading('Ollama performance report'), ...describeFilter(summary, options), ''];

  if (summary.requests === 0) {
    out.push('No records match.');
    return `${out.join('\n')}\n`;
  }

  const failed = summary.failed > 0 ? s.red(formatCount(summary.failed)) : formatCount(summary.failed);
  const overall: Array<[string, string]> = [
    ['Requests', formatCount(summary.requests)],
    ['Succeeded', formatCount(summary.succeeded)],
    ['Failed', failed],
    ['Success rate', rateColor(summary.success_rate, s)(formatPercent(summary.success_rate))],
    ['Prompt tokens', formatCount(summary.prompt_tokens)],
    ['Generated tokens', formatCount(summary.generated_tokens)],
    ['Cold starts', formatCount(summary.cold_starts)],
  ];
  const switches = optionalCount(summary, 'switches');
  if (switches !== null) overall.push(['Model switches', formatCount(switches)]);
  out.push(heading('OVERALL STATISTICS'), ...overall.map(([label, value]) => `  ${label.padEnd(18)}${value}`), '');

  out.push(
    heading('GENERATION PERFORMANCE (tokens/s)'),
    ...table(
      [{ header: 'measure', align: 'left' }, ...STAT_COLUMNS],
      [
        ['generation', ...statCells(summary.tokens_per_second)],
        ['prompt processing', ...statCells(summary.prompt_tokens_per_second)],
      ],
    ),
    '',
  );

  out.push(
    heading('TIMING BREAKDOWN (ms)'),
    ...table(
      [{ header: 'stage', align: 'left' }, ...STAT_COLUMNS],
      [
        ['load', ...statCells(summary.load_duration_ms)],
        ...loadRows(summary),
        ['prompt eval', ...statCells(summary.prompt_eval_duration_ms)],
        ['generation', ...statCells(summary.eval_duration_ms)],
        ['Ollama total', ...statCells(summary.total_duration_ms)],
        ['time to first token', ...statCells(summary.ttft_ms)],
        ['end-to-end latency', ...statCells(summary.latency_ms)],
      ],
    ),
    '',
  );

  const errors = Object.entries(summary.errors_by_type).sort(
    ([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b),
  );
  out.push(heading('ERRORS BY TYPE'));
  if (errors.length === 0) out.push('  none');
  else
    out.push(
      ...table(
        [{ header: 'type', align: 'left' }, { header: 'count' }, { header: 'share' }],
        errors.map(([type, n]) => [type, s.red(formatCount(n ?? 0)), formatPercent((n ?? 0) / summary.requests)]),
      ),
    );
  out.push('');

  const models = Object.entries(summary.by_model).sort(
    ([a, x], [b, y]) => y.requests - x.requests || a.localeCompare(b),
  );
  out.push(
    heading('PER MODEL'),
    ...table(
      [
        { header: 'model', align: 'left' },
        { header: 'requests' },
        { header: 'success' },
        { header: 'tok/s p50' },
        { header: 'tok/s p95' },
        { header: 'latency p50' },
        { header: 'latency p95' },
        { header: 'TTFT p50' },
        { header: 'load cold' },
        { header: 'load warm' },
        { header: 'cold starts' },
      ],
      models.map(([model, group]) => modelRow(model, group, s)),
    ),
    '  (latency, TTFT and load in ms; load cold / warm: average of the cold and of the warm loads)',
    '',
  );

  out.push(
    heading('LOADING (ms, per model)'),
    ...table(
      [
        { header: 'model', align: 'left' },
        { header: 'cold starts' },
        { header: 'switches' },
        { header: 'cold p50' },
        { header: 'after switch p50' },
        { header: 'warm p50' },
      ],
      models.map(([model, group]) => [
        printable(model),
        formatCount(group.cold_starts),
        formatCount(group.switches),
        formatNumber(group.cold_load_ms.p50),
        formatNumber(group.switch_load_ms.p50),
        formatNumber(group.warm_load_ms.p50),
      ]),
    ),
    '  (a switch is a cold load right after a different model: Ollama evicted one to load the other)',
  );
  return `${out.join('\n')}\n`;
}
