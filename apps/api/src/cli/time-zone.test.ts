/** parseTimeZone(): offsets and IANA zones, DST gaps and overlaps. */
import { describe, expect, it } from 'vitest';
import { parseTimeZone, type WallTime } from './time-zone.js';

const wall = (year: number, month: number, day: number, hour: number, minute = 0, second = 0): WallTime => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

describe('parseTimeZone', () => {
  it.each([
    ['UTC', wall(2025, 11, 5, 16, 14, 34), '2025-11-05T16:14:34.000Z'],
    ['Z', wall(2025, 11, 5, 16, 14, 34), '2025-11-05T16:14:34.000Z'],
    ['+02:00', wall(2025, 11, 5, 16, 14, 34), '2025-11-05T14:14:34.000Z'],
    ['-0530', wall(2025, 11, 5, 16, 14, 34), '2025-11-05T21:44:34.000Z'],
    ['+05', wall(2025, 11, 5, 16, 0, 0), '2025-11-05T11:00:00.000Z'],
    // Europe/Berlin: CET (+01:00) in winter, CEST (+02:00) in summer.
    ['Europe/Berlin', wall(2025, 11, 5, 16, 14, 34), '2025-11-05T15:14:34.000Z'],
    ['Europe/Berlin', wall(2025, 7, 1, 12, 0, 0), '2025-07-01T10:00:00.000Z'],
    ['America/New_York', wall(2025, 1, 15, 9, 30, 0), '2025-01-15T14:30:00.000Z'],
    ['Asia/Kolkata', wall(2025, 1, 15, 9, 30, 0), '2025-01-15T04:00:00.000Z'],
    // Spring forward (02:00 → 03:00 on 2025-03-30): a wall time in the gap moves forward.
    ['Europe/Berlin', wall(2025, 3, 30, 2, 30, 0), '2025-03-30T01:30:00.000Z'],
    ['Europe/Berlin', wall(2025, 3, 30, 3, 0, 0), '2025-03-30T01:00:00.000Z'],
    // Fall back (03:00 → 02:00 on 2025-10-26): an ambiguous wall time is the earlier instant.
    ['Europe/Berlin', wall(2025, 10, 26, 2, 30, 0), '2025-10-26T00:30:00.000Z'],
    ['Europe/Berlin', wall(2025, 10, 26, 3, 0, 0), '2025-10-26T02:00:00.000Z'],
  ])('%s: %o is %s', (zone, time, iso) => {
    expect(new Date(parseTimeZone(zone)?.epochOf(time) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it('keeps milliseconds and gives the same answer from its cache', () => {
    const berlin = parseTimeZone('Europe/Berlin');
    const time = { ...wall(2025, 11, 5, 16, 14, 34), millisecond: 250 };
    expect(berlin?.epochOf(time)).toBe(Date.UTC(2025, 10, 5, 15, 14, 34, 250));
    expect(berlin?.epochOf(time)).toBe(Date.UTC(2025, 10, 5, 15, 14, 34, 250));
  });

  it.each(['Mars/Olympus_Mons', '+25:00', '+02:75', '2', 'Berlin time'])('refuses %j', (zone) => {
    expect(parseTimeZone(zone)).toBeNull();
  });
});
