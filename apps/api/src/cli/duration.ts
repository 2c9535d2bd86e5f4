/**
 * Go durations as text → milliseconds. GIN prints each request's latency with Go's
 * `time.Duration.String()` (`845ns`, `512.3µs`, `1.234ms`, `12.650958875s`, `2m5s`,
 * `1h2m3.5s`, `0s`); this reads that and everything `time.ParseDuration` accepts.
 */

// Nanoseconds per unit. Go writes the micro sign U+00B5; it also accepts U+03BC and "us".
const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const DURATION = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const COMPONENT = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Parses a Go duration (`time.ParseDuration` syntax) into milliseconds; `null` when the
 * text is not one. Exact to the nanosecond for durations up to ~104 days.
 *
 * @example
 * parseGoDuration('12.650958875s') // 12650.958875
 * parseGoDuration('1h2m3.5s')      // 3723500
 * parseGoDuration('512µs')         // 0.512
 */
export function parseGoDuration(text: string): number | null {
  const value = text.trim();
  // Go's special case: a bare zero needs no unit.
  if (value === '0' || value === '+0' || value === '-0') return 0;
  const match = DURATION.exec(value);
  if (match === null) return null;
  let nanos = 0;
  for (const [, whole = '', fraction = '', unit = ''] of (match[2] as string).matchAll(COMPONENT)) {
    if (whole === '' && fraction === '') return null;
    const perUnit = UNIT_NS[unit] as number;
    // Whole and fractional parts separately, so `12.650958875s` stays exact in nanoseconds.
    nanos += Number(whole || '0') * perUnit + (fraction === '' ? 0 : Math.round(Number(`0.${fraction}`) * perUnit));
  }
  const ms = nanos / 1e6;
  return match[1] === '-' ? -ms : ms;
}
