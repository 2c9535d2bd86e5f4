/**
 * The windows of `report --compare`: `previous` (the window of the same length just before
 * the current one) or an explicit baseline `<from>..<to>`, each end in any form `--since` takes.
 */
import { UsageError } from './command.js';
import { parseSince } from './since.js';

/** The current window and the baseline window, epoch ms. */
export interface CompareWindowsMs {
  from: number;
  to: number;
  baseline_from: number;
  baseline_to: number;
}

/**
 * The windows `--compare VALUE` names, for a current window `from` (required) to `to`
 * (default `now`).
 *
 * @example
 * compareWindowsOf('previous', { from: Date.parse('2026-11-23'), to: undefined }, Date.parse('2026-11-30'))
 * // baseline 2026-11-16 → 2026-11-23
 */
export function compareWindowsOf(
  value: string,
  current: { from?: number | undefined; to?: number | undefined },
  now: number,
): CompareWindowsMs {
  if (current.from === undefined)
    throw new UsageError('--compare needs --since: the current window to compare (e.g. --since 7d)');
  const from = current.from;
  const to = current.to ?? now;
  if (value === 'previous') return { from, to, baseline_from: from - (to - from), baseline_to: from };
  const ends = value.split('..');
  const [start, end] = ends.map((text) => parseSince(text, now));
  if (ends.length !== 2 || start === null || end === null || start === undefined || end === undefined)
    throw new UsageError(
      `--compare "${value}" is not "previous" or a window FROM..TO (e.g. 14d..7d, 2026-11-01..2026-11-08)`,
    );
  if (start > end) throw new UsageError(`--compare "${value}": the baseline must not end before it starts`);
  return { from, to, baseline_from: start, baseline_to: end };
}
