/**
 * Time bounds as the CLI takes them: relative to now (`90m`, `24h`, `7d`, `2w`) or
 * absolute (ISO-8601 or epoch ms, read exactly as the stats API reads them). `now` is
 * passed in, so the same text always means the same instant in tests.
 */
import { parseTimeBound } from '@ollama-perf/core';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const RELATIVE = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i;

/**
 * Epoch ms of a time bound: `24h` → `now` minus 24 hours; `2026-11-27`,
 * `2026-11-27T10:00:00+01:00` or `1732665600000` → that instant (a time without an
 * offset is UTC). `null` when the text is none of these, or a bare number too small to be
 * epoch ms (`24`: a forgotten unit).
 *
 * @example
 * parseSince('7d', Date.UTC(2026, 10, 28)) // Date.UTC(2026, 10, 21)
 */
export function parseSince(text: string, now: number): number | null {
  const value = text.trim();
  if (value.toLowerCase() === 'now') return now;
  const relative = RELATIVE.exec(value);
  if (relative !== null) {
    const unit = UNIT_MS[(relative[2] as string).toLowerCase()] as number;
    return Math.round(now - Number(relative[1]) * unit);
  }
  // A short bare number is a forgotten unit ("24"), not an instant in January 1970.
  if (/^\d{1,9}$/.test(value)) return null;
  return parseTimeBound(value);
}
