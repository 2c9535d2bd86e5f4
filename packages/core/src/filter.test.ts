import { describe, expect, it } from 'vitest';
import { compareQuerySchema, matchesFilter, NO_PROJECT, parseTimeBound, statsQuerySchema } from './filter.js';
import { record } from './test-support/records.js';

describe('parseTimeBound', () => {
  it.each([
    ['1732665600000', 1732665600000],
    ['2024-11-27', Date.UTC(2024, 10, 27)],
    ['2024-11-27T10:00:00Z', Date.UTC(2024, 10, 27, 10)],
    ['2024-11-27T10:00:00.250Z', Date.UTC(2024, 10, 27, 10, 0, 0, 250)],
    ['2024-11-27T10:00:00+01:00', Date.UTC(2024, 10, 27, 9)],
    ['2024-11-27T10:00:00+0100', Date.UTC(2024, 10, 27, 9)],
    ['2024-11-27T10:00', Date.UTC(2024, 10, 27, 10)],
    ['2024-11-27 10:00:00', Date.UTC(2024, 10, 27, 10)],
  ])('%s → %i', (text, expected) => {
    expect(parseTimeBound(text)).toBe(expected);
  });

  it.each(['yesterday', '', '2024-13-45', '12ab', '-5', '1e3', '99999999999999999', '2024-11-27T25:00:00Z'])(
    'refuses %j',
    (text) => {
      expect(parseTimeBound(text)).toBeNull();
    },
  );
});

describe('statsQuerySchema', () => {
  it('parses a query into a filter', () => {
    expect(
      statsQuerySchema.parse({ from: '2024-11-27', to: '1732752000000', operation: 'chat', project: 'alpha' }),
    ).toEqual({
      from: Date.UTC(2024, 10, 27),
      to: 1732752000000,
      operation: 'chat',
      project: 'alpha',
    });
  });

  it.each([
    [{ from: 'soon' }, 'from'],
    [{ operation: 'train' }, 'operation'],
    [{ from: '2024-11-28', to: '2024-11-27' }, 'from'],
    [{ project: '' }, 'project'],
    [{ series: 'weekly' }, 'series'],
    [{ series: 'Hourly' }, 'series'],
    [{ tz: 'Mars/Olympus_Mons' }, 'tz'],
  ])('reports %j as an issue on %s', (query, path) => {
    const result = statsQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
  });

  it('takes series=hourly|daily and an IANA time zone', () => {
    expect(statsQuerySchema.parse({ series: 'daily', tz: 'Europe/Berlin' })).toEqual({
      series: 'daily',
      tz: 'Europe/Berlin',
    });
    expect(statsQuerySchema.parse({ series: 'hourly' })).toEqual({ series: 'hourly' });
  });
});

describe('compareQuerySchema', () => {
  const windows = { from: '2026-11-08', to: '2026-11-15', baseline_from: '2026-11-01', baseline_to: '2026-11-08' };

  it('parses both windows and the filter', () => {
    expect(compareQuerySchema.parse({ ...windows, model: 'llama3.2' })).toEqual({
      from: Date.UTC(2026, 10, 8),
      to: Date.UTC(2026, 10, 15),
      baseline_from: Date.UTC(2026, 10, 1),
      baseline_to: Date.UTC(2026, 10, 8),
      model: 'llama3.2',
    });
  });

  it.each([
    [{ ...windows, baseline_to: undefined }, 'baseline_to'],
    [{ ...windows, from: undefined }, 'from'],
    [{ ...windows, baseline_from: '2026-11-09' }, 'baseline_from'],
    [{ ...windows, to: '2026-11-01' }, 'from'],
  ])('reports %j as an issue on %s', (query, path) => {
    const result = compareQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
  });
});

describe('matchesFilter', () => {
  it('matches records without a project to "(none)"', () => {
    expect(matchesFilter(record({ project: null }), { project: NO_PROJECT })).toBe(true);
    expect(matchesFilter(record({ project: 'alpha' }), { project: NO_PROJECT })).toBe(false);
  });
});
