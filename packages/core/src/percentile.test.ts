import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, statOf } from './percentile.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('percentile (R-7)', () => {
  it.each([
    { values: [10, 20, 30, 40, 50], p: 50, expected: 30 },
    { values: [10, 20, 30, 40, 50], p: 95, expected: 48 },
    { values: [10, 20, 30, 40, 50], p: 99, expected: 49.6 },
    { values: range(100), p: 50, expected: 49.5 },
    { values: range(100), p: 95, expected: 94.05 },
    { values: range(100), p: 99, expected: 98.01 },
    { values: [1, 2], p: 50, expected: 1.5 },
    { values: [1, 2, 3, 4], p: 0, expected: 1 },
    { values: [1, 2, 3, 4], p: 100, expected: 4 },
    { values: [7], p: 0, expected: 7 },
    { values: [7], p: 50, expected: 7 },
    { values: [7], p: 99, expected: 7 },
  ])('p$p of $values.length values is $expected', ({ values, p, expected }) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it('refuses p outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  const sortedValues = fc
    .array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 200 })
    .map((values) => values.sort((a, b) => a - b));

  it('stays within [min, max] for every p', () => {
    fc.assert(
      fc.property(sortedValues, fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        const value = percentile(values, p) as number;
        expect(value).toBeGreaterThanOrEqual(values[0] as number);
        expect(value).toBeLessThanOrEqual(values[values.length - 1] as number);
      }),
    );
  });

  it('is monotone in p', () => {
    fc.assert(
      fc.property(
        sortedValues,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(percentile(values, low) as number).toBeLessThanOrEqual(percentile(values, high) as number);
        },
      ),
    );
  });
});

describe('statOf', () => {
  it('summarizes values in any order and skips nulls and non-finite values', () => {
    expect(statOf([50, null, 10, 40, undefined, 20, Number.NaN, 30, Number.POSITIVE_INFINITY])).toEqual({
      count: 5,
      avg: 30,
      min: 10,
      max: 50,
      p50: 30,
      p95: 48,
      p99: expect.closeTo(49.6, 10),
    });
  });

  it('gives count 0 and nulls for no values', () => {
    expect(statOf([])).toEqual({ count: 0, avg: null, min: null, max: null, p50: null, p95: null, p99: null });
  });

  it('gives the sample itself for one value', () => {
    expect(statOf([812.3])).toEqual({
      count: 1,
      avg: 812.3,
      min: 812.3,
      max: 812.3,
      p50: 812.3,
      p95: 812.3,
      p99: 812.3,
    });
  });
});
