/**
 * The `by_hour_of_day` of a window's closed hours, kept in memory: a dashboard polling the
 * same window every few seconds merges only its newest hours and its edges again, not the
 * series row of every hour (a month of them costs tens of milliseconds to read and decode).
 *
 * An entry is keyed by what it was merged from — the model (or all models), the time zone,
 * and each clean hour with its `version` — so a write into one of its hours (which bumps the
 * version), a rebuild, or the hour turning dirty (it leaves the plan) makes the key differ:
 * a stale entry is never found, only aged out.
 */

import { HOUR_MS } from '@ollama-perf/core';
import type { HourOfDayAggregates } from '@ollama-perf/core/rollup';

/**
 * Entries kept: the windows × time zones × models a few dashboards poll. Each is 24 aggregates
 * whose sketches' buckets span every value seen (~1.4 MB for all models over 30 days at 1M
 * records), so few. A poll asking more than this in a cycle would miss every time.
 */
const CAPACITY = 8;

/**
 * The newest clean hours of a window are merged fresh each time, not cached: a live gateway's
 * batches land in the open hour and the one before (./write-through.ts), bumping their versions.
 */
export const FRESH_MS = 2 * HOUR_MS;

/**
 * How many of `hours` (clean hour starts, ascending) to serve from the cache: all but those
 * within {@link FRESH_MS} of the newest.
 */
export function closedHourCount(hours: readonly number[]): number {
  const newest = hours[hours.length - 1];
  if (newest === undefined) return 0;
  let count = hours.length;
  while (count > 0 && (hours[count - 1] as number) > newest - FRESH_MS) count--;
  return count;
}

/** The key of the merged `by_hour_of_day` of `hours` (with their `versions`) of `model` or all, in `tz`. */
export function hourOfDayKey(
  model: string | undefined,
  tz: string | undefined,
  hours: readonly number[],
  versions: readonly number[],
): string {
  const periods = hours.map((start, i) => `${start}:${versions[i]}`).join(',');
  return `${JSON.stringify([model ?? null, tz ?? null])}${periods}`;
}

/** A small LRU of merged `by_hour_of_day` aggregates; callers must not change what they get. */
export class HourOfDayCache {
  private readonly entries = new Map<string, HourOfDayAggregates>();

  /** The entry under `key`, now the most recently used; `undefined` when there is none. */
  get(key: string): HourOfDayAggregates | undefined {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  /** Keeps `value` under `key`, dropping the least recently used entry beyond capacity. */
  set(key: string, value: HourOfDayAggregates): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= CAPACITY) break;
      this.entries.delete(oldest);
    }
  }
}
