/**
 * Tables and number formats shared by the console output and RESULTS.md: a table is built
 * once and rendered either as aligned text or as a Markdown table.
 */

/** A table of already formatted cells. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table. */
  notes?: string[];
}

/** Renders a table as aligned plain text (numbers right-aligned). */
export function renderText(table: Table): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) => table.rows.every((r) => /^[-+~]?[\d.,]+|^n\/a$|^—$/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] && i > 0 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [table.title, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

/** Renders a table as GitHub Markdown (pipes in cells escaped). */
export function renderMarkdown(table: Table, heading = '###'): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [
    `${heading} ${table.title}`,
    '',
    `| ${table.columns.map(escapeCell).join(' | ')} |`,
    `|${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const row of table.rows) out.push(`| ${row.map(escapeCell).join(' | ')} |`);
  if (table.notes !== undefined && table.notes.length > 0) out.push('', ...table.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** Milliseconds with precision that suits their size: `0.412`, `12.34`, `130.2`, `7,112`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(abs < 10 ? 3 : abs < 100 ? 2 : 1);
}

/** A signed difference in ms: `+0.123`, `−0.050`. */
export function signedMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '-'}${ms(Math.abs(value))}`;
}

/** A whole number with thousands separators. */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** A ratio: `0.912×`. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(3)}×` : 'n/a';
}

/** Bytes as MB (10^6): `34.2 MB`. */
export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : 'n/a';
}
