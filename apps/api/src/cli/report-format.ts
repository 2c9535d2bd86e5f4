/**
 * How the terminal report writes figures and names: numbers of bounded width (so a table
 * of them always fits 100 columns), "unknown" where the data holds no value (never a 0
 * that reads as a measurement), names made safe for the terminal, and optional colours.
 */

/** What the report prints where the data holds no value for a figure. */
export const UNKNOWN = 'unknown';

const en1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const en0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * A rate or duration as the report prints it: one decimal below 10,000, whole numbers
 * below a million, then compact (`12.3M`) — at most 7 characters; "unknown" when absent.
 *
 * @example
 * formatNumber(812.34) // '812.3'
 * formatNumber(12650.9) // '12,651'
 * formatNumber(null) // 'unknown'
 */
export function formatNumber(value: number | null): string {
  if (value === null) return UNKNOWN;
  const size = Math.abs(value);
  return size < 10_000 ? en1.format(value) : size < 1_000_000 ? en0.format(value) : compact.format(value);
}

/** A count as the report prints it: `171,233`, compact from ten million on (`12.3M`). */
export function formatCount(value: number): string {
  return Math.abs(value) < 10_000_000 ? en0.format(value) : compact.format(value);
}

/** A share as the report prints it: `91.7%`; "unknown" when there is nothing to share. */
export function formatPercent(value: number | null): string {
  return value === null ? UNKNOWN : `${en1.format(value * 100)}%`;
}

/** A count that means nothing when no record could have added to it: "unknown" then. */
export function formatKnownCount(value: number, known: boolean): string {
  return value === 0 && !known ? UNKNOWN : formatCount(value);
}

/**
 * `text` cut to `width` characters by taking out its middle (`hf.co/org…:Q4_K_M`), so the
 * start and the tag of a long model name both stay readable.
 *
 * @example
 * shortenMiddle('hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M', 24) // 'hf.co/bartow…F:Q4_K_M'
 */
export function shortenMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const tail = Math.floor((width - 1) / 2);
  return `${chars.slice(0, width - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Model names and projects come from requests: they never move the cursor or recolour the terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Colours of the report; plain text when colours are off. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

/** The {@link Styles} of a terminal that wants colours (`color` true) or not. */
export function styles(color: boolean): Styles {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39) };
}

/** Green from 99%, yellow from 90%, red below; unchanged when unknown. */
export function rateColor(rate: number | null, s: Styles): (text: string) => string {
  if (rate === null) return (text) => text;
  return rate >= 0.99 ? s.green : rate >= 0.9 ? s.yellow : s.red;
}
