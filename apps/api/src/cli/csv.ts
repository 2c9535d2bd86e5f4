/**
 * CSV as RFC 4180 writes it: comma-separated fields, CRLF line ends, fields holding a
 * quote, comma, CR or LF wrapped in quotes with inner quotes doubled. `null` is an empty
 * field; an empty string is `""`, so the two stay apart when read back.
 */

/** A value a CSV field can hold. */
export type CsvValue = string | number | boolean | null;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field: `null` → empty, numbers in their shortest exact form, booleans as
 * `true`/`false`, text quoted when RFC 4180 requires it.
 *
 * @example
 * csvField('say "hi", then go') // '"say ""hi"", then go"'
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record (a line, CRLF included). */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
