/**
 * Where the gateway keeps records the database would not take. The store sink moves its
 * queue here on a failed write and replays it (oldest first) once the database answers;
 * replays are harmless because inserts skip known ids. Bounded: past `maxRecords` the
 * newest are refused and counted as dropped.
 */
import type { RequestMetric } from '@ollama-perf/core';

/** A bounded holding area for records that could not be written yet. */
export interface Spool {
  /** Keeps records; returns how many did not fit (dropped). */
  append(records: RequestMetric[]): number;
  /** Everything held, oldest first. */
  load(): RequestMetric[];
  /** Forgets everything held (after a successful replay). */
  clear(): void;
  /** Records held. */
  size(): number;
}

/** A spool in memory: lost with the process (for runtimes without a disk). */
export function memorySpool(maxRecords = 100_000): Spool {
  let held: RequestMetric[] = [];
  return {
    append(records) {
      const room = Math.max(0, maxRecords - held.length);
      held.push(...records.slice(0, room));
      return records.length - Math.min(room, records.length);
    },
    load: () => held.slice(),
    clear() {
      held = [];
    },
    size: () => held.length,
  };
}
