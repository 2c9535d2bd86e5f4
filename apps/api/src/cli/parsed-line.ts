/**
 * What an importer makes of one source line — a record, or a reason to skip it — and the
 * tally of skipped lines that `import` prints at the end ("skipped 3: 2 not an inference
 * route, 1 unparseable (line 17)").
 */
import { type RequestMetric, readRequestMetric } from '@ollama-perf/core';

/** Why a line was skipped; `malformed` lines are listed by number, expected ones only counted. */
export interface SkippedLine {
  skip: string;
  malformed: boolean;
  /** What exactly was wrong (shown for the first line with this reason). */
  detail?: string;
}

/**
 * One line's outcome: a record, or a skip. A record may come with the fields of a newer
 * version it dropped (`ignored`), the source keys it did not use (`unused`), and whether
 * its time is a stand-in because the line had none (`undated`).
 */
export type ParsedLine =
  | { record: RequestMetric; ignored?: string[]; unused?: string[]; undated?: boolean }
  | SkippedLine;

/** Parses one non-empty line of a file. */
export type LineParser = (line: string) => ParsedLine;

/** A {@link LineParser} that is also given the line's 1-based number (any parser can be used as one). */
export type NumberedLineParser = (line: string, lineNumber: number) => ParsedLine;

/** Skips of lines that are fine but not requests we keep (other routes, other log output). */
export function expectedSkip(reason: string): SkippedLine {
  return { skip: reason, malformed: false };
}

/** Skips of lines that should have been records but could not be read. */
export function malformed(reason: string, detail?: string): SkippedLine {
  return detail === undefined ? { skip: reason, malformed: true } : { skip: reason, malformed: true, detail };
}

/**
 * The JSON object a line holds (as `entry`), or an `unparseable` skip (with "not a JSON
 * object" when it is JSON of another kind).
 */
export function jsonObjectOf(line: string): { entry: Record<string, unknown> } | SkippedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return malformed('unparseable');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return malformed('unparseable', 'not a JSON object');
  return { entry: value as Record<string, unknown> };
}

/**
 * Validates a record at the edge, written by any version (core's `readRequestMetric`: later
 * fields may be missing, unknown ones are dropped); a record it refuses becomes an
 * "invalid record" skip.
 */
export function validated(candidate: unknown): ParsedLine {
  const result = readRequestMetric(candidate);
  if (result.success)
    return result.ignored.length === 0 ? { record: result.record } : { record: result.record, ignored: result.ignored };
  const issue = result.issues[0];
  return malformed(
    'invalid record',
    issue === undefined ? undefined : `${issue.path.join('.') || 'record'}: ${issue.message}`,
  );
}

interface Reason {
  count: number;
  malformed: boolean;
  lines: number[];
  detail: string | undefined;
}

// Enough line numbers to find the problem, not so many that the summary floods the terminal.
const LINES_SHOWN = 5;

/** Counts skipped lines by reason, remembering the first few line numbers of malformed ones. */
export class SkipTally {
  private readonly reasons = new Map<string, Reason>();
  private total = 0;
  private malformedTotal = 0;

  /** Records that line `lineNumber` (1-based) was skipped. */
  add(skipped: SkippedLine, lineNumber: number): void {
    this.total++;
    if (skipped.malformed) this.malformedTotal++;
    let reason = this.reasons.get(skipped.skip);
    if (reason === undefined) {
      reason = { count: 0, malformed: skipped.malformed, lines: [], detail: skipped.detail };
      this.reasons.set(skipped.skip, reason);
    }
    reason.count++;
    if (reason.malformed && reason.lines.length < LINES_SHOWN) reason.lines.push(lineNumber);
  }

  /** Adds another tally's counts (the total over several files: counts only, as line numbers are per file). */
  merge(other: SkipTally): void {
    for (const [skip, reason] of other.reasons) {
      const mine = this.reasons.get(skip);
      if (mine === undefined) this.reasons.set(skip, { ...reason, lines: [], detail: undefined });
      else mine.count += reason.count;
    }
    this.total += other.total;
    this.malformedTotal += other.malformedTotal;
  }

  /** Lines skipped. */
  get count(): number {
    return this.total;
  }

  /** Lines skipped that should have been records (what makes `import` exit non-zero). */
  get malformed(): number {
    return this.malformedTotal;
  }

  /** Skipped count per reason. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.reasons].map(([skip, r]) => [skip, r.count]));
  }

  /**
   * "skipped 3: 2 not an inference route, 1 unparseable (line 17)", most frequent reason
   * first; "skipped 0" when nothing was.
   *
   * @example
   * tally.describe() // 'skipped 4: 3 other log output, 1 invalid record (line 9: ts: Too big: expected …)'
   */
  describe(): string {
    if (this.total === 0) return 'skipped 0';
    const parts = [...this.reasons]
      .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
      .map(([skip, r]) => {
        if (r.lines.length === 0) return `${r.count} ${skip}`;
        const more = r.count > r.lines.length ? ', …' : '';
        const where = `${r.lines.length === 1 ? 'line' : 'lines'} ${r.lines.join(', ')}${more}`;
        if (r.detail === undefined) return `${r.count} ${skip} (${where})`;
        return `${r.count} ${skip} (${where}${r.lines.length === 1 ? '' : `; line ${r.lines[0]}`}: ${r.detail})`;
      });
    return `skipped ${this.total}: ${parts.join(', ')}`;
  }
}
