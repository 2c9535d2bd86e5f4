/**
 * `bench` results in the terminal: per model a heading with its loads, then its table
 * (fits 100 columns), then what the columns mean.
 */
import { renderTable } from '../table.js';
import type { BenchResult } from './results.js';
import { BENCH_COLUMNS, benchNotes, cellRow, modelLine } from './rows.js';

/**
 * The terminal rendering of `result`.
 *
 * @example
 * process.stdout.write(renderBenchTable(result));
 */
export function renderBenchTable(result: BenchResult): string {
  const out = [`Benchmark ${result.run_id} · ${result.url} · ${result.output_tokens} tokens out per request`, ''];
  for (const model of result.models) {
    out.push(`${model.model} · ${modelLine(model)}`);
    if (model.cells.length > 0) out.push(...renderTable(BENCH_COLUMNS, model.cells.map(cellRow)));
    out.push('');
  }
  out.push(...benchNotes(result));
  return `${out.join('\n')}\n`;
}
