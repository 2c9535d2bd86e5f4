/**
 * Wall-clock times of a time zone → epoch milliseconds. Logs such as GIN's stamp
 * requests in the server's local time with no offset, so the importer needs the zone the
 * server ran in: an IANA name (`Europe/Berlin`, via Intl, DST included) or a fixed offset.
 */

/** A time as a clock on the wall shows it (month 1–12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

/** A time zone that turns wall times into instants. */
export interface TimeZone {
  /** As given: `UTC`, `+02:00`, `Europe/Berlin`. */
  readonly name: string;
  /**
   * The instant (epoch ms) of a wall time in this zone. In a DST gap the time is moved
   * forward by the gap; in an overlap the earlier instant wins (Temporal's "compatible").
   */
  epochOf(wall: WallTime): number;
}

/** Coordinated Universal Time. */
export const UTC: TimeZone = fixedOffset('UTC', 0);

const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;

/**
 * Reads a time zone: `UTC`/`Z`, an offset (`+02:00`, `-0530`, `+05`) or an IANA name.
 * Returns `null` when it is none of these.
 *
 * @example
 * parseTimeZone('Europe/Berlin')?.epochOf({ year: 2025, month: 11, day: 5, hour: 16, minute: 14, second: 34 })
 * // Date.UTC(2025, 10, 5, 15, 14, 34): CET is UTC+1 in November
 */
export function parseTimeZone(text: string): TimeZone | null {
  const name = text.trim();
  if (/^(?:utc|z|gmt)$/i.test(name)) return fixedOffset(name, 0);
  const offset = OFFSET.exec(name);
  if (offset !== null) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 23 || minutes > 59) return null;
    return fixedOffset(name, (offset[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000);
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  return ianaZone(name, format);
}

/** A zone at a constant offset from UTC (ms east of Greenwich). */
export function fixedOffset(name: string, offsetMs: number): TimeZone {
  return { name, epochOf: (wall) => utcOf(wall) - offsetMs };
}

function utcOf(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond ?? 0);
}

const DAY_MS = 86_400_000;
// Offsets only change on whole minutes, so one answer per wall minute is enough; logs
// repeat the same minutes many times, and Intl is the slow part.
const CACHE_LIMIT = 10_000;

function ianaZone(name: string, format: Intl.DateTimeFormat): TimeZone {
  const offsetAt = (instant: number): number => {
    const base = Math.floor(instant / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(base)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wallMs = Date.UTC(
      parts.year as number,
      (parts.month as number) - 1,
      parts.day as number,
      parts.hour as number,
      parts.minute as number,
      parts.second as number,
    );
    return wallMs - base;
  };
  const cache = new Map<number, number>();
  const minuteStart = (minuteUtc: number): number => {
    // Transitions happen at most once within ±1 day; try the offsets on either side.
    const before = offsetAt(minuteUtc - DAY_MS);
    const after = offsetAt(minuteUtc + DAY_MS);
    const valid = [before, after].map((o) => minuteUtc - o).filter((t) => minuteUtc - offsetAt(t) === t);
    // No valid instant: the wall time falls in a gap; the offset before it moves it forward.
    return valid.length === 0 ? minuteUtc - before : Math.min(...valid);
  };
  return {
    name,
    epochOf(wall) {
      const utc = utcOf(wall);
      const minute = Math.floor(utc / 60_000) * 60_000;
      let start = cache.get(minute);
      if (start === undefined) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        start = minuteStart(minute);
        cache.set(minute, start);
      }
      return start + (utc - minute);
    },
  };
}
