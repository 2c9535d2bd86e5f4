/** parseGoDuration(): every unit Go prints, combined units, and any duration as Go's Duration.String() writes it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['845ns', 0.000845],
    ['1ns', 0.000001],
    ['512µs', 0.512], // U+00B5, what Go prints
    ['512μs', 0.512], // U+03BC, which Go also accepts
    ['512us', 0.512],
    ['37.291µs', 0.037291],
    ['1.234ms', 1.234],
    ['999.999999ms', 999.999999],
    ['12.650958875s', 12650.958875],
    ['1s', 1000],
    ['1.5s', 1500],
    ['2m5s', 125_000],
    ['2m5.25s', 125_250],
    ['1h2m3.5s', 3_723_500],
    ['1h0m0s', 3_600_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['0s', 0],
    ['0', 0],
    ['-1.5s', -1500],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', 's', '5', '1x', '1 s', 'ms', '.s', '1.2.3s', '1h-2m', 'NaN', '12,5s'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

// Go's time.Duration.String() (src/time/time.go), for generating what GIN prints.
function goDurationString(ns: number): string {
  const decimal = (value: number, digits: number) => {
    const scale = 10 ** digits;
    const fraction = String(value % scale)
      .padStart(digits, '0')
      .replace(/0+$/, '');
    return fraction === '' ? String(Math.floor(value / scale)) : `${Math.floor(value / scale)}.${fraction}`;
  };
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${decimal(ns, 3)}µs`;
  if (ns < 1e9) return `${decimal(ns, 6)}ms`;
  const hours = Math.floor(ns / 3.6e12);
  const minutes = Math.floor((ns % 3.6e12) / 6e10);
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${decimal(ns % 6e10, 9)}s`;
}

describe('parseGoDuration, property', () => {
  it('reads any duration Go prints back to the nanosecond', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e15 })), (ns) => {
        expect(parseGoDuration(goDurationString(ns))).toBe(ns / 1e6);
      }),
      { numRuns: 2000 },
    );
  });
});
