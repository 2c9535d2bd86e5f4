/**
 * `by_hour_of_day`: requests by the hour of the day they arrived in (UTC, or a named time
 * zone with its daylight-saving rules) — when the peaks are.
 */
import { GroupAccumulator } from './group.js';
import type { RequestMetric } from './schema.js';
import type { GroupSummary, HourOfDay } from './summary-schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Every zone's offset is a multiple of 15 minutes, so one lookup serves a quarter hour.
const QUARTER = HOUR / 4;

/**
 * A function giving the hour of the day (0..23) of an instant, in UTC or in the IANA zone
 * `tz`. Zone lookups are cached per quarter hour.
 *
 * @example
 * hourOfDayIn('Europe/Berlin')(Date.UTC(2026, 0, 1, 12)) // 13
 */
export function hourOfDayIn(tz?: string): (ts: number) => number {
  if (tz === undefined || tz === 'UTC') return (ts) => Math.floor((((ts % DAY) + DAY) % DAY) / HOUR);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric' });
  const cache = new Map<number, number>();
  return (ts) => {
    const quarter = Math.floor(ts / QUARTER);
    let hour = cache.get(quarter);
    if (hour === undefined) {
      hour = Number(format.format(quarter * QUARTER)) % 24;
      cache.set(quarter, hour);
    }
    return hour;
  };
}

/** The 24 entries of `by_hour_of_day`, with the figures `summaryOf` gives for each hour. */
export function hourOfDayEntries(summaryOf: (hour: number) => GroupSummary): HourOfDay[] {
  return Array.from({ length: 24 }, (_, hour) => ({ hour, ...summaryOf(hour) }));
}

/** The figures of the records per hour of the day (UTC, or the zone `tz`). */
export function byHourOfDay(records: Iterable<RequestMetric>, tz?: string): HourOfDay[] {
  const hourOf = hourOfDayIn(tz);
  const groups = Array.from({ length: 24 }, () => new GroupAccumulator());
  for (const record of records) (groups[hourOf(record.ts)] as GroupAccumulator).add(record);
  return hourOfDayEntries((hour) => (groups[hour] as GroupAccumulator).summary());
}
