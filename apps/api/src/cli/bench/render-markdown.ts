/**
 * `bench --markdown`: one GitHub-flavoured table of every model × prompt length ×
 * concurrency, for pasting into an issue or a README.
 */
import type { BenchResult } from './results.js';
import { BENCH_COLUMNS, benchNotes, cellRow, modelLine } from './rows.js';

const escapePipes = (text: string) => text.replaceAll('|', '\\|');

/**
 * The Markdown rendering of `result`.
 *
 * @example
 * writeFileSync('bench.md', renderBenchMarkdown(result));
 */
export function renderBenchMarkdown(result: BenchResult): string {
  const header = ['model', ...BENCH_COLUMNS.map((c) => c.header)];
  const align = ['---', ...BENCH_COLUMNS.map((c) => (c.align === 'left' ? '---' : '--:'))];
  const line = (cells: string[]) => `| ${cells.map(escapePipes).join(' | ')} |`;
  const rows = result.models.flatMap((model) => model.cells.map((cell) => line([model.model, ...cellRow(cell)])));
  const loads = result.models.map((model) => `- \`${escapePipes(model.model)}\`: ${modelLine(model)}`);
  return `${[line(header), line(align), ...rows, '', ...loads, '', ...benchNotes(result)].join('\n')}\n`;
}
