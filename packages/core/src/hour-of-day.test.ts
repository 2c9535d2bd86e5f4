import { describe, expect, it } from 'vitest';
import { byHourOfDay, hourOfDayIn } from './hour-of-day.js';
import { record } from './test-support/records.js';

describe('hourOfDayIn', () => {
  it.each([
    [undefined, Date.UTC(2026, 0, 1, 0, 0), 0],
    [undefined, Date.UTC(2026, 0, 1, 23, 59, 59, 999), 23],
    [undefined, Date.UTC(1969, 11, 31, 22, 30), 22],
    ['UTC', Date.UTC(2026, 5, 1, 12), 12],
    // CET in winter, CEST in summer.
    ['Europe/Berlin', Date.UTC(2026, 0, 15, 12), 13],
    ['Europe/Berlin', Date.UTC(2026, 6, 15, 12), 14],
    // Half and three-quarter hour offsets.
    ['Asia/Kolkata', Date.UTC(2026, 0, 1, 10, 29), 15],
    ['Asia/Kolkata', Date.UTC(2026, 0, 1, 10, 30), 16],
    ['Asia/Kathmandu', Date.UTC(2026, 0, 1, 10, 14), 15],
    ['Asia/Kathmandu', Date.UTC(2026, 0, 1, 10, 15), 16],
    ['America/New_York', Date.UTC(2026, 2, 8, 7, 30), 3],
  ])('in %s, %i is hour %i', (tz, ts, hour) => {
    expect(hourOfDayIn(tz)(ts)).toBe(hour);
  });
});

describe('byHourOfDay', () => {
  it('lists 24 hours, each with the records that arrived in it, any day', () => {
    const records = [
      record({ id: 'a', ts: Date.UTC(2026, 0, 1, 9, 5) }),
      record({ id: 'b', ts: Date.UTC(2026, 0, 2, 9, 55) }),
      record({ id: 'c', ts: Date.UTC(2026, 0, 2, 23, 0) }),
    ];
    const hours = byHourOfDay(records);
    expect(hours.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(hours.map((h) => h.requests).filter((n) => n > 0)).toEqual([2, 1]);
    expect(hours[9]?.requests).toBe(2);
    expect(byHourOfDay(records, 'Europe/Berlin')[10]?.requests).toBe(2);
    expect(byHourOfDay(records, 'Europe/Berlin')[0]?.requests).toBe(1);
  });
});
