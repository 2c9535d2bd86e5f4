import { describe, expect, it } from 'vitest';
import { formatDuration, renderAvailability } from './render-availability.js';

describe('formatDuration', () => {
  it.each([
    [4200, '4.2s'],
    [59_000, '59.0s'],
    [90_000, '1m 30s'],
    [3_723_000, '1h 02m 03s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderAvailability', () => {
  it('says nothing when the gateway never polled', () => {
    expect(renderAvailability(undefined)).toEqual([]);
  });

  it('gives the share answered and one row per outage, in UTC, within 100 columns', () => {
    const lines = renderAvailability({
      polls: 720,
      answered: 710,
      share: 710 / 720,
      outages: [
        { start: Date.UTC(2026, 10, 27, 10), end: Date.UTC(2026, 10, 27, 10, 1, 30), duration_ms: 90_000, error: 'x' },
        { start: Date.UTC(2026, 10, 27, 11), end: null, duration_ms: 5000, error: 'e'.repeat(300) },
      ],
    });
    expect(lines.slice(0, 3)).toEqual([
      'OLLAMA AVAILABILITY',
      '  Polls answered    98.61% (710 of 720 polls)',
      '  Outages           2',
    ]);
    expect(lines[5]).toMatch(/^ {2}2026-11-27 10:00:00Z {2}2026-11-27 10:01:30Z {4}1m 30s {2}x$/);
    expect(lines[6]).toMatch(/^ {2}2026-11-27 11:00:00Z {2}ongoing {19}5\.0s {2}e{40}$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('says when no poll fell in the window', () => {
    expect(renderAvailability({ polls: 0, answered: 0, share: null, outages: [] })[1]).toBe(
      '  Polls answered    no polls in this window',
    );
  });
});
