import { describe, expect, it } from 'vitest';
import { phaseDelay } from './delay-windows.js';

describe('phaseDelay', () => {
  it('takes the last reading of each window for the p99, the largest max of all', () => {
    const readings = [
      // Window 0: an early spike in p99 that later readings of the same window dilute.
      { atMs: 5_000, p99: 9, max: 30 },
      { atMs: 58_000, p99: 2, max: 30 },
      // Window 1.
      { atMs: 61_500, p99: 0.5, max: 1 },
      { atMs: 90_000, p99: 3, max: 12 },
    ];
    expect(phaseDelay(readings)).toEqual({ p99: 3, max: 30, windows: 2 });
  });

  it('leaves readings near a window boundary out of the p99', () => {
    // 59.7 s may already be the next window (a fresh histogram): not a window's last word.
    const readings = [
      { atMs: 30_000, p99: 1, max: 2 },
      { atMs: 59_700, p99: 7, max: 8 },
      { atMs: 60_300, p99: 6, max: 6 },
    ];
    expect(phaseDelay(readings)).toEqual({ p99: 1, max: 8, windows: 1 });
  });

  it('falls back to the largest p99 when every reading is near a boundary', () => {
    expect(phaseDelay([{ atMs: 200, p99: 4, max: 5 }])).toEqual({ p99: 4, max: 5, windows: 0 });
  });

  it('is NaN without readings', () => {
    expect(phaseDelay([])).toEqual({ p99: Number.NaN, max: Number.NaN, windows: 0 });
  });
});
