import { describe, expect, it } from 'vitest';
import { median, pairedMedian, percentileOfSorted, relativeError, summarizeLatencies } from './sample-stats.js';

describe('percentileOfSorted (R-7)', () => {
  it.each([
    [[10, 20, 30, 40, 50], 95, 48],
    [[10, 20, 30, 40, 50], 50, 30],
    [[10, 20, 30, 40, 50], 0, 10],
    [[10, 20, 30, 40, 50], 100, 50],
    [[7], 99, 7],
    [[1, 2], 50, 1.5],
  ])('%j at p%d is %d', (values, p, expected) => {
    expect(percentileOfSorted(values, p)).toBeCloseTo(expected, 12);
  });

  it('is NaN for no values', () => {
    expect(percentileOfSorted([], 50)).toBeNaN();
  });
});

describe('helpers', () => {
  it('median sorts numerically', () => {
    expect(median([10, 9, 100, 1])).toBe(9.5);
  });

  it('summarizes latencies', () => {
    expect(summarizeLatencies([3, 1, 2])).toMatchObject({ count: 3, min: 1, p50: 2, max: 3, mean: 2 });
  });

  it('pairs rounds before taking the median', () => {
    const rounds = [
      { a: 10, b: 5 },
      { a: 100, b: 50 },
      { a: 30, b: 10 },
    ];
    expect(
      pairedMedian(
        rounds,
        (r) => r.a,
        (r) => r.b,
        'ratio',
      ),
    ).toBe(2);
    expect(
      pairedMedian(
        rounds,
        (r) => r.a,
        (r) => r.b,
        'difference',
      ),
    ).toBe(20);
  });

  it.each([
    [1.01, 1, 0.01],
    [0, 0, 0],
    [5, 5, 0],
    [1, 0, Number.POSITIVE_INFINITY],
  ])('relativeError(%d, %d) = %d', (actual, exact, expected) => {
    expect(relativeError(actual, exact)).toBeCloseTo(expected, 12);
  });
});
