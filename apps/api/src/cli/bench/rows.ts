/**
 * The figures of a bench result as table rows, shared by the terminal table and the
 * Markdown table: one row per model × prompt length × concurrency, each figure as its median
 * with the spread (± sd) where runs vary, and one line per model on its loads.
 */
import { formatCount, formatNumber } from '../render-report.js';
import type { TableColumn } from '../table.js';
import type { BenchResult, CellResult, ModelResult } from './results.js';
import type { Spread } from './spread.js';

/** Columns of a bench table (model excluded: the terminal shows it as a heading). */
export const BENCH_COLUMNS: readonly TableColumn[] = [
  { header: 'prompt' },
  { header: 'N' },
  { header: 'prompt tok/s' },
  { header: 'gen tok/s' },
  { header: 'observed' },
  { header: 'aggregate' },
  { header: 'TTFT ms' },
  { header: 'ITL ms' },
  { header: 'done', align: 'left' },
];

/**
 * `42.0 ±0.3` (or whole numbers: `1,234 ±56`); the median alone when the runs agree to the
 * printed digit.
 */
export function formatSpread(spread: Spread, whole = false): string {
  if (spread.median === null) return formatNumber(null);
  const format = (value: number) => (whole ? formatCount(value) : formatNumber(value));
  if (spread.sd === null || spread.n < 2 || spread.sd < (whole ? 0.5 : 0.05)) return format(spread.median);
  return `${format(spread.median)} ±${format(spread.sd)}`;
}

/** The cells of one row. */
export function cellRow(cell: CellResult): string[] {
  const prompt = cell.prompt_tokens.median === null ? '-' : formatCount(cell.prompt_tokens.median);
  const done = Object.entries(cell.done_reasons)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return [
    prompt,
    String(cell.concurrency),
    formatSpread(cell.prompt_tokens_per_second),
    formatSpread(cell.tokens_per_second),
    formatNumber(cell.observed_tokens_per_second.median),
    formatNumber(cell.aggregate_tokens_per_second.median),
    formatSpread(cell.ttft_ms, true),
    formatNumber(cell.itl_ms.median),
    cell.failed > 0 ? `${done}, failed ${cell.failed}` : done,
  ];
}

/** One line on a model's loads (and its error, if it stopped). */
export function modelLine(model: ModelResult): string {
  const parts = [];
  if (model.cold_load_ms !== null) parts.push(`load cold ${formatSpread(model.cold_load_ms)} ms`);
  if (model.warm_load_ms.n > 0) parts.push(`load warm ${formatSpread(model.warm_load_ms)} ms`);
  if (model.error !== null) parts.push(`stopped: ${model.error}`);
  return parts.join(' · ');
}

/** Lines under the tables: what the columns mean and where the records are. */
export function benchNotes(result: BenchResult): string[] {
  const notes = [
    `Medians over ${result.runs} runs, ± the sd. prompt: Ollama's prompt_eval_count. gen tok/s: Ollama's`,
    'timing, per stream; observed: from chunk arrival; aggregate: all tokens of a run of N streams',
    'over its wall time (where it stops growing with N, more parallel streams no longer help).',
  ];
  if (!result.cache_defeat) notes.push('Prompt cache NOT defeated: prompt tok/s of repeated prompts is not real.');
  if (result.stopped !== null)
    notes.push(`Stopped early (${result.stopped}): the figures above are the runs that finished.`);
  notes.push(
    `Recorded under project ${result.project}: /stats?project=${encodeURIComponent(result.project).replaceAll('%3A', ':')}`,
  );
  return notes;
}
