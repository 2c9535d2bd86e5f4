/**
 * Fixed-width text tables for the terminal: columns sized to their widest cell, numbers
 * right-aligned, a dashed rule under the header. Widths ignore ANSI colour codes, so
 * coloured cells line up with plain ones. Given a width to fit, the table narrows its
 * shrinkable column (names), shortening long cells in the middle.
 */
import { stripAnsi } from './parse-gin-log.js';
import { shortenMiddle } from './report-format.js';

/** One column of a {@link renderTable}. */
export interface TableColumn {
  header: string;
  /** Default `right` (numbers); text columns use `left`. */
  align?: 'left' | 'right';
  /** Whether this column gives up width when the table must fit `maxWidth` (plain-text cells only). */
  shrink?: boolean;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Prefix of every line. Default two spaces. */
  indent?: string;
  /** Wraps the header row, e.g. in bold. Default: unchanged. */
  styleHeader?: (text: string) => string;
  /** Widest a line may be; shrinkable columns narrow to fit (never below their header). Default: no limit. */
  maxWidth?: number;
}

// Columns are two spaces apart.
const GAP = 2;

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
  const total = indent.length + widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, columns.length - 1);
  let excess = options.maxWidth === undefined ? 0 : total - options.maxWidth;
  columns.forEach((column, i) => {
    if (excess <= 0 || column.shrink !== true) return;
    const width = widths[i] as number;
    const narrower = Math.max(column.header.length, width - excess);
    excess -= width - narrower;
    widths[i] = narrower;
  });
  const cell = (text: string, i: number) => {
    const width = widths[i] as number;
    const fitted = columns[i]?.shrink === true ? shortenMiddle(text, width) : text;
    return pad(fitted, width, columns[i]?.align ?? 'right');
  };
  const line = (cells: readonly string[]) => (indent + cells.map(cell).join(' '.repeat(GAP))).trimEnd();
  return [
    style(line(columns.map((c) => c.header))),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map((_, i) => row[i] ?? ''))),
  ];
}
