/** parseSince(): relative and absolute time bounds against an injected now. */
import { describe, expect, it } from 'vitest';
import { parseSince } from './since.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('parseSince', () => {
  it.each([
    ['24h', NOW - 86_400_000],
    ['7d', NOW - 7 * 86_400_000],
    ['30m', NOW - 1_800_000],
    ['90s', NOW - 90_000],
    ['2w', NOW - 14 * 86_400_000],
    ['1.5h', NOW - 5_400_000],
    ['now', NOW],
    ['2026-11-27', Date.UTC(2026, 10, 27)],
    ['2026-11-27T10:00:00Z', Date.UTC(2026, 10, 27, 10)],
    ['2026-11-27T10:00:00+01:00', Date.UTC(2026, 10, 27, 9)],
    // Without an offset a time is UTC, as in the stats API.
    ['2026-11-27T10:00', Date.UTC(2026, 10, 27, 10)],
    ['1764230400000', 1_764_230_400_000],
  ])('%s → %d', (text, ms) => {
    expect(parseSince(text, NOW)).toBe(ms);
  });

  it.each(['', 'yesterday', '24', 'h', '-1d', '7 days', '2026-13-01'])('refuses %j', (text) => {
    expect(parseSince(text, NOW)).toBeNull();
  });
});
