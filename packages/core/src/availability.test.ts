import { describe, expect, it } from 'vitest';
import { type AvailabilityRun, availabilityOf, outagesOf, pollsInWindow } from './availability.js';

function run(start: number, last: number, up: boolean, polls: number, error: string | null = null): AvailabilityRun {
  return { id: String(start), start, last, up, polls, error };
}

describe('pollsInWindow', () => {
  // 11 polls, every 10 ms, at 0, 10, …, 100.
  const r = run(0, 100, true, 11);
  it.each([
    [undefined, undefined, 11],
    [0, 101, 11],
    [0, 100, 10],
    [5, 35, 3],
    [10, 20, 1],
    [101, 200, 0],
    [-50, 0, 0],
    [95, 100, 0],
    [95, 101, 1],
  ])('from %s to %s holds %i polls', (from, to, n) => {
    expect(pollsInWindow(r, from, to)).toBe(n);
  });

  it('counts a single poll by its time', () => {
    expect(pollsInWindow(run(50, 50, true, 1), 0, 51)).toBe(1);
    expect(pollsInWindow(run(50, 50, true, 1), 51, 100)).toBe(0);
  });
});

describe('outagesOf', () => {
  it('runs from the first failed poll to the first answered one; down runs in a row are one outage', () => {
    const runs = [
      run(0, 90, true, 10),
      run(100, 140, false, 5, 'fetch failed'),
      run(500, 520, false, 3, 'ECONNREFUSED'),
      run(530, 600, true, 8),
      run(700, 700, false, 1, 'HTTP 500'),
    ];
    expect(outagesOf(runs, 1000)).toEqual([
      { start: 100, end: 530, duration_ms: 430, error: 'fetch failed' },
      { start: 700, end: null, duration_ms: 300, error: 'HTTP 500' },
    ]);
  });
});

describe('availabilityOf', () => {
  const runs = [run(0, 90, true, 10), run(100, 190, false, 10, 'fetch failed'), run(200, 290, true, 10)];

  it('is the share of polls answered, with the outages overlapping the window', () => {
    expect(availabilityOf(runs, {}, 300)).toEqual({
      polls: 30,
      answered: 20,
      share: 20 / 30,
      outages: [{ start: 100, end: 200, duration_ms: 100, error: 'fetch failed' }],
    });
  });

  it('counts only the polls in the window, and leaves out outages outside it', () => {
    expect(availabilityOf(runs, { from: 150, to: 250 }, 300)).toMatchObject({ polls: 10, answered: 5, share: 0.5 });
    expect(availabilityOf(runs, { from: 200 }, 300)).toEqual({ polls: 10, answered: 10, share: 1, outages: [] });
    expect(availabilityOf(runs, { to: 100 }, 300).outages).toEqual([]);
  });

  it('has no share without polls', () => {
    expect(availabilityOf([], {}, 0)).toEqual({ polls: 0, answered: 0, share: null, outages: [] });
  });
});
