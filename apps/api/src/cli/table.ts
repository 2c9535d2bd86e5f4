/**
 * Fixed-width text tables for the terminal: columns sized to their widest cell, numbers
 * right-aligned, a dashed rule under the header. Widths ignore ANSI colour codes, so
 * coloured cells line up with plain ones.
 */
import { stripAnsi } from './parse-gin-log.js';

/** One column of a {@link renderTable}. */
export interface TableColumn {
  header: string;
  /** Default `right` (numbers); text columns use `left`. */
  align?: 'left' | 'right';
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Prefix of every line. Default two spaces. */
  indent?: string;
  /** Wraps the header row, e.g. in bold. Default: unchanged. */
  styleHeader?: (text: string) => string;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - stripAnsi(text).length));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * The lines of a table (no trailing newline), trailing spaces trimmed.
 *
 * @example
 * renderTable([{ header: 'model', align: 'left' }, { header: 'requests' }], [['llama3.2', '40']])
 * // ['  model     requests', '  --------  --------', '  llama3.2        40']
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: ReadonlyArray<readonly string[]>,
  options: TableOptions = {},
): string[] {
  const indent = options.indent ?? '  ';
  const style = options.styleHeader ?? ((text: string) => text);
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => stripAnsi(row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    (
      indent + cells.map((cell, i) => pad(cell, widths[i] as number, columns[i]?.align ?? 'right')).join('  ')
    ).trimEnd();
  return [
    style(line(columns.map((c) => c.header))),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map((_, i) => row[i] ?? ''))),
  ];
}
