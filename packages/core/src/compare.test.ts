import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupAggregate } from './aggregate.js';
import { compareModel, compareWindows, quantileInterval } from './compare.js';
import { percentile } from './percentile.js';
import { LogSketch } from './sketch.js';
import { record } from './test-support/records.js';

/** A group of `n` successful records whose tokens/s are `speeds`, and `failures` failed ones. */
function group(speeds: number[], failures = 0): GroupAggregate {
  const aggregate = new GroupAggregate();
  speeds.forEach((tokens_per_second, i) => aggregate.add(record({ id: `r${i}`, tokens_per_second })));
  for (let i = 0; i < failures; i++)
    aggregate.add(
      record({ id: `f${i}`, success: false, status: 500, error_type: 'upstream_error', tokens_per_second: null }),
    );
  return aggregate;
}

const around = (center: number, n: number, spread = 0.1) =>
  Array.from({ length: n }, (_, i) => center * (1 - spread + (2 * spread * i) / Math.max(1, n - 1)));

describe('quantileInterval', () => {
  it('holds the exact quantile, and narrows as samples grow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const sketch = new LogSketch();
          for (const v of values) sketch.add(v);
          const interval = quantileInterval(sketch, 0.5);
          const exact = percentile(
            [...values].sort((a, b) => a - b),
            50,
          ) as number;
          expect(interval?.low).toBeLessThanOrEqual(exact);
          expect(interval?.high).toBeGreaterThanOrEqual(exact);
        },
      ),
    );
    const narrow = (n: number) => {
      const sketch = new LogSketch();
      for (const v of around(20, n, 0.2)) sketch.add(v);
      const interval = quantileInterval(sketch, 0.5) as { low: number; high: number };
      return interval.high - interval.low;
    };
    expect(narrow(1000)).toBeLessThan(narrow(50));
  });

  it.each([
    [0.5, 100],
    [0.95, 400],
  ])('spans the order statistics of ranks q ± 1.96·√(q(1−q)/n) (q = %d, n = %i)', (q, n) => {
    const values = Array.from({ length: n }, (_, i) => i + 1);
    const sketch = new LogSketch();
    for (const v of values) sketch.add(v);
    const half = 1.96 * Math.sqrt((q * (1 - q)) / n);
    const interval = quantileInterval(sketch, q) as { low: number; high: number };
    expect(interval.low / (percentile(values, 100 * (q - half)) as number)).toBeCloseTo(1, 1);
    expect(interval.high / (percentile(values, 100 * Math.min(1, q + half)) as number)).toBeCloseTo(1, 1);
  });

  it('is null for an empty sketch', () => {
    expect(quantileInterval(new LogSketch(), 0.5)).toBeNull();
  });
});

describe('compareModel', () => {
  it('flags a 30% drop in tokens/s as worse, beyond noise', () => {
    const result = compareModel(group(around(14, 200)), group(around(20, 200)));
    expect(result.figures.tokens_per_second_p50).toMatchObject({ beyond_noise: true, worse: true });
    expect(result.figures.tokens_per_second_p50.change).toBeCloseTo(-0.3, 1);
    expect(result.regressed).toBe(true);
  });

  it('calls a 30% rise better, not worse', () => {
    const result = compareModel(group(around(26, 200)), group(around(20, 200)));
    expect(result.figures.tokens_per_second_p50).toMatchObject({ beyond_noise: true, worse: false });
    expect(result.regressed).toBe(false);
  });

  it.each([
    ['a change under 5%, however many samples', around(19.4, 5000, 0.01), around(20, 5000, 0.01)],
    ['overlapping intervals (few, spread samples)', around(17, 12, 0.5), around(20, 12, 0.5)],
    ['fewer than 5 samples', around(10, 4), around(20, 4)],
  ])('does not flag %s', (_, current, baseline) => {
    const result = compareModel(group(current), group(baseline));
    expect(result.figures.tokens_per_second_p50.beyond_noise).toBe(false);
    expect(result.regressed).toBe(false);
  });

  it('tests error rates with a two-proportion z-test', () => {
    const worse = compareModel(group(around(20, 180), 20), group(around(20, 198), 2));
    expect(worse.figures.error_rate).toMatchObject({ current: 0.1, baseline: 0.01, beyond_noise: true, worse: true });
    const same = compareModel(group(around(20, 195), 5), group(around(20, 196), 4));
    expect(same.figures.error_rate.beyond_noise).toBe(false);
  });

  it('gives null figures and no change for a model absent from one window', () => {
    const result = compareModel(group(around(20, 50)), new GroupAggregate());
    expect(result.figures.tokens_per_second_p50).toEqual({
      current: expect.any(Number),
      baseline: null,
      change: null,
      beyond_noise: false,
      worse: false,
    });
    expect(result.requests).toEqual({ current: 50, baseline: 0 });
  });
});

describe('compareWindows', () => {
  it('lists every model of either window, sorted, with the windows as ISO-8601', () => {
    const comparison = compareWindows(
      { from: 2000, to: 3000, baseline_from: 1000, baseline_to: 2000 },
      new Map([['b', group(around(20, 10))]]),
      new Map([['a', group(around(20, 10))]]),
    );
    expect(Object.keys(comparison.models)).toEqual(['a', 'b']);
    expect(comparison.baseline_from).toBe('1970-01-01T00:00:01.000Z');
  });
});
