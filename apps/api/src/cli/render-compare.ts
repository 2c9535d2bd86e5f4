/**
 * The terminal table of `ollama-perf report --compare`: per model, each key figure in the
 * baseline and the current window, the change, and a flag where the change is beyond noise
 * (red "worse", green "better"). At most 100 columns: long model names are shortened in the middle.
 */
import { COMPARE_FIGURES, type CompareFigure, type Comparison } from '@ollama-perf/core';
import { formatNumber, formatPercent, printable, styles } from './render-report.js';
import { renderTable } from './table.js';

/** Options of {@link renderCompare}. */
export interface CompareReportOptions {
  /** ANSI colours (only for a terminal that wants them). */
  color: boolean;
  /** Where the figures came from (database or gateway). */
  source?: string;
}

/** Widest model name printed; longer ones keep their start and end. */
const MODEL_WIDTH = 30;

const LABELS: Record<CompareFigure, string> = {
  tokens_per_second_p50: 'tokens/s p50',
  observed_tokens_per_second_p50: 'observed tok/s p50',
  prompt_tokens_per_second_p50: 'prompt tok/s p50',
  ttft_ms_p50: 'TTFT ms p50',
  latency_ms_p50: 'latency ms p50',
  latency_ms_p95: 'latency ms p95',
  cold_load_ms_p50: 'cold load ms p50',
  error_rate: 'error rate',
};

/**
 * `text` at most `width` characters, its middle replaced by `…` when longer.
 *
 * @example
 * shortenMiddle('hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M', 30) // 'hf.co/bartowski…ct-GGUF:Q4_K_M'
 */
export function shortenMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const tail = Math.floor((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

function signedPercent(change: number | null): string {
  if (change === null) return '-';
  return `${change > 0 ? '+' : ''}${formatPercent(change)}`;
}

/**
 * The comparison as text: the two windows, a table of every figure known in either window,
 * the models that regressed, and how noise was judged.
 *
 * @example
 * process.stdout.write(renderCompare(await store.compare(request), { color: false }));
 */
export function renderCompare(comparison: Comparison, options: CompareReportOptions): string {
  const s = styles(options.color);
  const lines = [s.bold('ollama-perf report --compare')];
  if (options.source !== undefined) lines.push(`  source    ${options.source}`);
  lines.push(`  current   ${comparison.from} → ${comparison.to}`);
  lines.push(`  baseline  ${comparison.baseline_from} → ${comparison.baseline_to}`, '');
  const rows: string[][] = [];
  for (const [model, result] of Object.entries(comparison.models)) {
    let first = true;
    for (const figure of COMPARE_FIGURES) {
      const { current, baseline, change, beyond_noise, worse } = result.figures[figure];
      if (current === null && baseline === null) continue;
      const format = figure === 'error_rate' ? formatPercent : formatNumber;
      const flag = worse ? s.red('worse') : beyond_noise ? s.green('better') : '';
      rows.push([
        first ? shortenMiddle(printable(model), MODEL_WIDTH) : '',
        LABELS[figure],
        format(baseline),
        format(current),
        signedPercent(change),
        flag,
      ]);
      first = false;
    }
  }
  if (rows.length === 0) lines.push('  no requests in either window');
  else
    lines.push(
      ...renderTable(
        [
          { header: 'model', align: 'left' },
          { header: 'figure', align: 'left' },
          { header: 'baseline' },
          { header: 'current' },
          { header: 'change' },
          { header: 'flag', align: 'left' },
        ],
        rows,
        { styleHeader: s.bold },
      ),
    );
  const regressed = Object.entries(comparison.models)
    .filter(([, result]) => result.regressed)
    .map(([model]) => printable(model));
  lines.push(
    '',
    regressed.length === 0
      ? s.green('  No model got worse beyond noise.')
      : s.red(`  Worse beyond noise: ${regressed.join(', ')}`),
    '',
    ...wrap(`Noise: ${comparison.method}`, 96).map((line) => s.dim(`  ${line}`)),
  );
  return `${lines.join('\n')}\n`;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}
