/**
 * The terminal report of `ollama-perf report`: a Summary as the sections Ollama operators
 * know (see report-sections.ts), at most {@link REPORT_WIDTH} columns wide — long model
 * and project names are shortened in the middle — with "unknown" where the data holds no
 * figure. Pure: the caller decides whether colours are wanted.
 */
import type { StatsFilter, Summary } from '@ollama-perf/core';
import { renderAvailability } from './render-availability.js';
import { printable, shortenMiddle, styles } from './report-format.js';
import {
  concurrencySection,
  errorsSection,
  generationSection,
  hourOfDaySection,
  loadingSection,
  modelsSection,
  operationsSection,
  overallSection,
  projectsSection,
  promptLengthSection,
  type ReportContext,
  type ReportSection,
  timeBreakdownSection,
  timingSection,
} from './report-sections.js';
import { renderTable } from './table.js';

export { formatCount, formatNumber, formatPercent, UNKNOWN } from './report-format.js';
export type { ReportSection } from './report-sections.js';

/** The widest line of the report, in columns. */
export const REPORT_WIDTH = 100;

/** The sections of the report, in order. */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  overallSection,
  generationSection,
  timingSection,
  timeBreakdownSection,
  errorsSection,
  modelsSection,
  loadingSection,
  operationsSection,
  projectsSection,
  promptLengthSection,
  concurrencySection,
  hourOfDaySection,
];

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** ANSI colours (only for a terminal that wants them). */
  color: boolean;
  /** The filter the summary was made with, shown under the title. */
  filter?: StatsFilter;
  /** Where the figures came from (database or gateway), shown under the title. */
  source?: string;
  /** The sections to print. Default {@link REPORT_SECTIONS}. */
  sections?: readonly ReportSection[];
}

// "  filter    " and the like: the label column of the lines under the title.
const LABEL_WIDTH = 12;

function describeFilter(summary: Summary, options: ReportOptions): string[] {
  const fit = (text: string) => shortenMiddle(printable(text), REPORT_WIDTH - LABEL_WIDTH);
  const lines: string[] = [];
  if (options.source !== undefined) lines.push(`  source    ${fit(options.source)}`);
  const window =
    summary.from === null && summary.to === null
      ? 'all records'
      : `${summary.from ?? 'start'} → ${summary.to ?? 'now'}`;
  lines.push(`  window    ${window}`);
  const filter = options.filter ?? {};
  const scope = [
    filter.model === undefined ? null : `model ${filter.model}`,
    filter.operation === undefined ? null : `operation ${filter.operation}`,
    filter.project === undefined ? null : `project ${filter.project}`,
  ].filter((part): part is string => part !== null);
  if (scope.length > 0) lines.push(`  filter    ${fit(scope.join(', '))}`);
  return lines;
}

/**
 * The report as text (lines joined with "\n", ending in one).
 *
 * @example
 * process.stdout.write(renderReport(await store.summary(filter), { color: process.stdout.isTTY, filter }));
 */
export function renderReport(summary: Summary, options: ReportOptions): string {
  const s = styles(options.color);
  const context: ReportContext = {
    styles: s,
    table: (columns, rows) => renderTable(columns, rows, { styleHeader: s.dim, maxWidth: REPORT_WIDTH }),
  };
  const out: string[] = [s.bold('Ollama performance report'), ...describeFilter(summary, options), ''];
  // Ollama's outages concern the window, records or not (no records may be what an outage left).
  out.push(...renderAvailability(summary.availability, s.bold));
  if (summary.requests === 0) out.push('No records match.');
  else for (const section of options.sections ?? REPORT_SECTIONS) out.push(...section(summary, context));
  while (out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}
