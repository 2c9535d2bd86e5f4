/**
 * Where the gateway keeps records the database would not take. The store sink moves its
 * queue here on a failed write and replays it page by page, oldest first, once the database
 * answers: each page written moves the spool's read position past it, so a replay that
 * fails halfway resumes where it stopped instead of starting over (and a long spool is never
 * read whole again on every retry). Replays are harmless anyway: inserts skip known ids.
 * Bounded: past `maxRecords` the newest are refused and counted as dropped. A held line
 * that is no record is kept aside and counted, never dropped unread.
 */
import type { RequestMetric } from '@ollama-perf/core';

/** A bounded holding area for records that could not be written yet. */
export interface Spool {
  /** Keeps records; returns how many did not fit (dropped). */
  append(records: RequestMetric[]): number;
  /**
   * The oldest records not yet replayed, at most `max` — fewer when some held lines were
   * unreadable (cut by a crash mid-append); an empty page with `size() > 0` is all such lines.
   */
  peek(max: number): RequestMetric[];
  /** The page last peeked was written: the next peek starts after it. */
  advance(): void;
  /** Records held and not yet replayed. */
  size(): number;
  /** Held lines that turned out not to be records, kept aside instead of replayed (on disk: ever). */
  rejected(): number;
  /** Where those lines are kept, when on disk. */
  readonly rejectedPath?: string;
}

/** A spool in memory: lost with the process (for runtimes without a disk). */
export function memorySpool(maxRecords = 100_000): Spool {
  let held: RequestMetric[] = [];
  let peeked = 0;
  return {
    append(records) {
      const room = Math.max(0, maxRecords - held.length);
      held.push(...records.slice(0, room));
      return records.length - Math.min(room, records.length);
    },
    peek(max) {
      const page = held.slice(0, max);
      peeked = page.length;
      return page;
    },
    advance() {
      held = held.slice(peeked);
      peeked = 0;
    },
    size: () => held.length,
    // Records held in memory were valid when appended and stay so.
    rejected: () => 0,
  };
}
