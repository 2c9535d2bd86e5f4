/**
 * The sections of the terminal report, each a function of the Summary that returns its lines
 * (heading, table, footnote, blank line) or none when the Summary lacks what it shows.
 * `render-report.ts` lists them in order; a new section is one more function in that list.
 */
import { type GroupSummary, NO_PROJECT, type StatJson, type Summary } from '@ollama-perf/core';
import {
  bucketsOf,
  hoursOf,
  type LabelledGroup,
  optionalStat,
  type TimeBreakdown,
  timeBreakdownOf,
} from './report-breakdowns.js';
import {
  formatCount,
  formatKnownCount,
  formatNumber,
  formatPercent,
  printable,
  rateColor,
  type Styles,
} from './report-format.js';
import type { TableColumn } from './table.js';

/** What a section draws with. */
export interface ReportContext {
  styles: Styles;
  /** A table fitted to the report's width (shrinkable columns narrow). */
  table(columns: TableColumn[], rows: string[][]): string[];
}

/** One section of the report: its lines, or none to leave it out. */
export type ReportSection = (summary: Summary, context: ReportContext) => string[];

const STAT_COLUMNS: TableColumn[] = ['count', 'avg', 'p50', 'p95', 'min', 'max'].map((header) => ({ header }));
const LABEL: TableColumn = { header: '', align: 'left', shrink: true };

function statCells(stat: StatJson): string[] {
  return [formatCount(stat.count), ...[stat.avg, stat.p50, stat.p95, stat.min, stat.max].map(formatNumber)];
}

function labelled(header: string): TableColumn {
  return { ...LABEL, header };
}

// Busiest first, then by name: the order of every per-model table.
function byRequests(groups: Record<string, GroupSummary>): Array<[string, GroupSummary]> {
  return Object.entries(groups).sort(([a, x], [b, y]) => y.requests - x.requests || a.localeCompare(b));
}

// A record knows whether it was a cold start only when Ollama reported a load time.
function loadsKnown(group: GroupSummary): boolean {
  return group.load_duration_ms.count > 0;
}

/** Requests, outcomes, token totals, cold starts and switches. */
export const overallSection: ReportSection = (summary, { styles: s }) => {
  const failed = summary.failed > 0 ? s.red(formatCount(summary.failed)) : formatCount(summary.failed);
  const rows: Array<[string, string]> = [
    ['Requests', formatCount(summary.requests)],
    ['Succeeded', formatCount(summary.succeeded)],
    ['Failed', failed],
    ['Success rate', rateColor(summary.success_rate, s)(formatPercent(summary.success_rate))],
    ['Prompt tokens', formatKnownCount(summary.prompt_tokens, summary.prompt_tokens_per_second.count > 0)],
    ['Generated tokens', formatKnownCount(summary.generated_tokens, summary.tokens_per_second.count > 0)],
    ['Cold starts', formatKnownCount(summary.cold_starts, loadsKnown(summary))],
    ['Model switches', formatKnownCount(summary.switches, loadsKnown(summary))],
  ];
  return [s.bold('OVERALL STATISTICS'), ...rows.map(([label, value]) => `  ${label.padEnd(18)}${value}`), ''];
};

/** Tokens/s as Ollama reports them (and as the data path saw the stream, when recorded). */
export const generationSection: ReportSection = (summary, { styles: s, table }) => {
  const observed = optionalStat(summary, 'observed_tokens_per_second');
  const rows = [
    ['generation', ...statCells(summary.tokens_per_second)],
    ['prompt processing', ...statCells(summary.prompt_tokens_per_second)],
  ];
  if (observed !== null) rows.push(['observed in the stream', ...statCells(observed)]);
  return [s.bold('GENERATION PERFORMANCE (tokens/s)'), ...table([labelled('measure'), ...STAT_COLUMNS], rows), ''];
};

/** Every duration as a stat: load (cold, after a switch, warm), Ollama's stages, TTFT, latency. */
export const timingSection: ReportSection = (summary, { styles: s, table }) => {
  const gap = optionalStat(summary, 'itl_ms');
  const rows = [
    ['load', ...statCells(summary.load_duration_ms)],
    ['  cold', ...statCells(summary.cold_load_ms)],
    ['  cold, model switch', ...statCells(summary.switch_load_ms)],
    ['  warm', ...statCells(summary.warm_load_ms)],
    ['prompt eval', ...statCells(summary.prompt_eval_duration_ms)],
    ['generation', ...statCells(summary.eval_duration_ms)],
    ['Ollama total', ...statCells(summary.total_duration_ms)],
    ['time to first token', ...statCells(summary.ttft_ms)],
    ...(gap === null ? [] : [['gap between chunks', ...statCells(gap)]]),
    ['end-to-end latency', ...statCells(summary.latency_ms)],
  ];
  return [s.bold('TIMING (ms)'), ...table([labelled('stage'), ...STAT_COLUMNS], rows), ''];
};

function breakdownCells(breakdown: TimeBreakdown): string[] {
  return [
    formatCount(breakdown.timed_requests),
    ...[breakdown.load_ms, breakdown.prompt_eval_ms, breakdown.generation_ms, breakdown.other_ms].map(formatNumber),
  ];
}

/** Where a request's time goes, overall and per model: mean ms per request in each stage. */
export const timeBreakdownSection: ReportSection = (summary, { styles: s, table }) => {
  const overall = timeBreakdownOf(summary);
  if (overall === null) return [];
  const rows = [['all', ...breakdownCells(overall)]];
  for (const [model, group] of byRequests(summary.by_model)) {
    const breakdown = timeBreakdownOf(group);
    if (breakdown !== null) rows.push([printable(model), ...breakdownCells(breakdown)]);
  }
  return [
    s.bold('TIME BREAKDOWN (mean ms per request)'),
    ...table(
      [
        labelled('model'),
        { header: 'timed' },
        { header: 'load' },
        { header: 'prompt eval' },
        { header: 'generation' },
        { header: 'other' },
      ],
      rows,
    ),
    "  (over the requests with Ollama's timings; other: the rest of Ollama's total duration)",
    '',
  ];
};

/** Failures by error type, most frequent first. */
export const errorsSection: ReportSection = (summary, { styles: s, table }) => {
  const errors = Object.entries(summary.errors_by_type).sort(
    ([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b),
  );
  if (errors.length === 0) return [s.bold('ERRORS BY TYPE'), '  none', ''];
  return [
    s.bold('ERRORS BY TYPE'),
    ...table(
      [labelled('type'), { header: 'count' }, { header: 'share' }],
      errors.map(([type, n]) => [type, s.red(formatCount(n ?? 0)), formatPercent((n ?? 0) / summary.requests)]),
    ),
    '',
  ];
};

// The first cells of a group's row: its label, its requests and their success rate.
function outcomeCells(label: string, group: GroupSummary, s: Styles): string[] {
  return [
    printable(label),
    formatCount(group.requests),
    rateColor(group.success_rate, s)(formatPercent(group.success_rate)),
  ];
}

/** Speed and latency per model. */
export const modelsSection: ReportSection = (summary, { styles: s, table }) => [
  s.bold('PER MODEL'),
  ...table(
    [
      labelled('model'),
      { header: 'requests' },
      { header: 'success' },
      { header: 'tok/s p50' },
      { header: 'tok/s p95' },
      { header: 'lat p50' },
      { header: 'lat p95' },
      { header: 'TTFT p50' },
    ],
    byRequests(summary.by_model).map(([model, group]) => [
      ...outcomeCells(model, group, s),
      ...[group.tokens_per_second.p50, group.tokens_per_second.p95].map(formatNumber),
      ...[group.latency_ms.p50, group.latency_ms.p95, group.ttft_ms.p50].map(formatNumber),
    ]),
  ),
  '  (lat: end-to-end latency and TTFT in ms; unknown: no request carried the figure)',
  '',
];

function loadCells(stat: StatJson, known: boolean): string[] {
  return [formatKnownCount(stat.count, known), formatNumber(stat.p50)];
}

/** Loads per model: cold, after a model switch and warm, each with its own count and median. */
export const loadingSection: ReportSection = (summary, { styles: s, table }) => [
  s.bold('LOADING (per model, ms)'),
  ...table(
    [
      labelled('model'),
      { header: 'cold' },
      { header: 'cold p50' },
      { header: 'switch' },
      { header: 'switch p50' },
      { header: 'warm' },
      { header: 'warm p50' },
    ],
    byRequests(summary.by_model).map(([model, group]) => [
      printable(model),
      ...loadCells(group.cold_load_ms, loadsKnown(group)),
      ...loadCells(group.switch_load_ms, loadsKnown(group)),
      ...loadCells(group.warm_load_ms, loadsKnown(group)),
    ]),
  ),
  '  (cold: loaded with no other model just before it; switch: loaded right after a different',
  '  model, which Ollama evicted for it; warm: already loaded; each a count and its median)',
  '',
];

function groupTable(title: string, header: string, groups: LabelledGroup[], context: ReportContext): string[] {
  const { styles: s, table } = context;
  return [
    s.bold(title),
    ...table(
      [
        labelled(header),
        { header: 'requests' },
        { header: 'success' },
        { header: 'tok/s p50' },
        { header: 'prompt tok/s' },
        { header: 'TTFT p50' },
        { header: 'lat p50' },
        { header: 'lat p95' },
      ],
      groups.map(({ label, group }) => [
        ...outcomeCells(label, group, s),
        ...[group.tokens_per_second.p50, group.prompt_tokens_per_second.p50, group.ttft_ms.p50].map(formatNumber),
        ...[group.latency_ms.p50, group.latency_ms.p95].map(formatNumber),
      ]),
    ),
  ];
}

/** The figures per operation (generate, chat, embed). */
export const operationsSection: ReportSection = (summary, context) => {
  const groups = byRequests(summary.by_operation).map(([label, group]) => ({ label, group }));
  return groups.length === 0 ? [] : [...groupTable('PER OPERATION', 'operation', groups, context), ''];
};

/** The figures per project, when any request named one (`(none)`: requests without). */
export const projectsSection: ReportSection = (summary, context) => {
  const groups = byRequests(summary.by_project).map(([label, group]) => ({ label, group }));
  if (groups.every(({ label }) => label === NO_PROJECT)) return [];
  return [...groupTable('PER PROJECT', 'project', groups, context), ''];
};

/** The figures by prompt length, when the Summary has `by_prompt_tokens`. */
export const promptLengthSection: ReportSection = (summary, context) => {
  const groups = bucketsOf(summary, 'by_prompt_tokens')?.filter(({ group }) => group.requests > 0) ?? [];
  if (groups.length === 0) return [];
  return [...groupTable('BY PROMPT LENGTH', 'prompt tokens', groups, context), ''];
};

/** The figures by how many requests were in flight on arrival. */
export const concurrencySection: ReportSection = (summary, context) => {
  const groups = bucketsOf(summary, 'by_concurrency')?.filter(({ group }) => group.requests > 0) ?? [];
  if (groups.length === 0) return [];
  return [
    ...groupTable('BY CONCURRENCY', 'in flight', groups, context),
    '  (in flight: inference requests at the gateway when one arrived, itself included)',
    '',
  ];
};

/** The figures by hour of day, when the Summary has `by_hour_of_day`: peak hours at a glance. */
export const hourOfDaySection: ReportSection = (summary, context) => {
  const hours = hoursOf(summary);
  const busy = hours?.filter(({ group }) => group.requests > 0) ?? [];
  if (busy.length === 0) return [];
  const left = (hours?.length ?? 0) - busy.length;
  return [
    ...groupTable('BY HOUR OF DAY (UTC)', 'hour', busy, context),
    ...(left === 0 ? [] : [`  (${left} hours without requests left out)`]),
    '',
  ];
};
