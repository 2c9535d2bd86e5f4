import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statOf } from './percentile.js';
import { bucketIndexOf, bucketValueOf, LogSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';
import { relativeDifference } from './summary-diff.js';

// A value exactly on a bucket edge is off by the accuracy itself, plus floating-point rounding (seen: 0.009000000000000008).
const BOUND = SKETCH_RELATIVE_ACCURACY + 1e-12;

const sketchOf = (values: number[]) => {
  const sketch = new LogSketch();
  for (const value of values) sketch.add(value);
  return sketch;
};

// Values shaped like what the gateway sees: zeros, sub-millisecond, seconds, minutes, duplicates.
const value = fc.oneof(
  fc.constant(0),
  fc.double({ min: 1e-6, max: 1, noNaN: true }),
  fc.double({ min: 1, max: 1e7, noNaN: true }),
  fc.constantFrom(0.001, 12.5, 800, 4000),
);

describe('LogSketch', () => {
  it('keeps every percentile within its relative accuracy of the exact R-7 one, and count, min, max exact', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), (values) => {
        const exact = statOf(values);
        const approx = sketchOf(values).stat();
        expect(approx).toMatchObject({ count: exact.count, min: exact.min, max: exact.max });
        expect(relativeDifference(approx.avg as number, exact.avg as number)).toBeLessThan(1e-9);
        for (const p of ['p50', 'p95', 'p99'] as const) {
          expect(relativeDifference(approx[p] as number, exact[p] as number)).toBeLessThanOrEqual(BOUND);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a value lying exactly on a bucket edge within the bound (fast-check found [1, 1, 0])', () => {
    expect(relativeDifference(sketchOf([1, 1, 0]).stat().p50 as number, 1)).toBeLessThanOrEqual(BOUND);
    expect(relativeDifference(sketchOf([1, 1, 0]).stat().p50 as number, 1)).toBeGreaterThan(
      SKETCH_RELATIVE_ACCURACY * 0.99,
    );
  });

  it('is exact for one value, and for all-equal values', () => {
    expect(sketchOf([42.5]).stat()).toEqual(statOf([42.5]));
    expect(sketchOf([7, 7, 7, 7]).stat()).toEqual(statOf([7, 7, 7, 7]));
    expect(sketchOf([0, 0, 3]).stat()).toMatchObject({ p50: 0, min: 0, max: 3 });
  });

  it('gives each bucket a value within the accuracy of both its edges', () => {
    for (const index of [-2000, -1, 0, 1, 37, 1500]) {
      const high = Math.exp(index * Math.log((1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY)));
      expect(bucketIndexOf(high * 0.99999)).toBe(index);
      expect(relativeDifference(bucketValueOf(index), high)).toBeLessThanOrEqual(BOUND);
    }
  });

  it('merges into the sketch of all values, in any split', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.nat(), (values, cut) => {
        const at = cut % (values.length + 1);
        const merged = sketchOf(values.slice(0, at));
        merged.merge(sketchOf(values.slice(at)));
        const whole = sketchOf(values).stat();
        const stat = merged.stat();
        expect({ ...stat, avg: null }).toEqual({ ...whole, avg: null });
        expect(relativeDifference(stat.avg as number, whole.avg as number)).toBeLessThan(1e-12);
      }),
    );
  });

  it('clones into a sketch that merges on like the original, leaving the original as it was', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.array(value, { maxLength: 200 }), (first, more) => {
        const original = sketchOf(first);
        const before = [original.stat(), original.buckets()];
        const copy = original.clone();
        copy.merge(sketchOf(more));
        for (const v of more) copy.add(v);
        const expected = sketchOf(first);
        expected.merge(sketchOf(more));
        for (const v of more) expected.add(v);
        expect([copy.stat(), copy.buckets(), copy.sum]).toEqual([expected.stat(), expected.buckets(), expected.sum]);
        expect([original.stat(), original.buckets()]).toEqual(before);
      }),
    );
  });

  it('refuses negative, infinite and NaN values', () => {
    const sketch = new LogSketch();
    for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN]) expect(() => sketch.add(bad)).toThrow(RangeError);
    expect(sketch.count).toBe(0);
  });

  it('takes the smallest and largest positive doubles', () => {
    const values = [Number.MIN_VALUE, 1, Number.MAX_VALUE];
    expect(sketchOf(values).stat()).toMatchObject({
      count: 3,
      min: Number.MIN_VALUE,
      max: Number.MAX_VALUE,
      p50: expect.closeTo(1, 1),
    });
  });
});
