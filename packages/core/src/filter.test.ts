import { describe, expect, it } from 'vitest';
import { matchesFilter, NO_PROJECT, parseTimeBound, statsQuerySchema } from './filter.js';
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
  ])('reports %j as an issue on %s', (query, path) => {
    const result = statsQuerySchema.safeParse(query);
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
