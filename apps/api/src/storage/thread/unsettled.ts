/**
 * The records the proxy thread has posted to the storage thread and that the storage thread
 * has not yet reported settled (written, spooled, or counted as dropped). Should the thread
 * die, these are what it held only in memory: the client spools them instead of losing them.
 */
import type { RequestMetric } from '@ollama-perf/core';

/** Posted records, oldest first, until the storage thread says how many it has settled. */
export class UnsettledRecords {
  private batches: RequestMetric[][] = [];
  private held = 0;
  private settledSoFar = 0;

  /** Records posted (in the order they were posted). */
  add(records: RequestMetric[]): void {
    if (records.length === 0) return;
    this.batches.push(records);
    this.held += records.length;
  }

  /**
   * The storage thread has settled `total` records since it started (its count only grows):
   * forgets the oldest ones up to there.
   */
  settledUpTo(total: number): void {
    let count = Math.min(this.held, total - this.settledSoFar);
    this.settledSoFar = Math.max(this.settledSoFar, total);
    this.held -= Math.max(0, count);
    while (count > 0) {
      const first = this.batches[0] as RequestMetric[];
      if (first.length <= count) {
        this.batches.shift();
        count -= first.length;
      } else {
        this.batches[0] = first.slice(count);
        count = 0;
      }
    }
  }

  /** Every record not settled, oldest first; forgets them and starts over (for a new thread). */
  takeAll(): RequestMetric[] {
    const all = this.batches.flat();
    this.batches = [];
    this.held = 0;
    this.settledSoFar = 0;
    return all;
  }

  /** Records held. */
  get size(): number {
    return this.held;
  }
}
