// The window the page shows: the chosen range, the baseline just before it, and the periods
// (hours or days) its series is drawn on.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const RANGES = { '1h': HOUR_MS, '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS };
/** Windows up to this long are drawn hourly, longer ones daily. */
const HOURLY_UP_TO_MS = 2 * DAY_MS;

/**
 * The chosen window `{from, to}` in epoch ms (`to` is now for the preset ranges), or null
 * while a custom window is incomplete.
 */
export function chosenWindow(range, customFrom, customTo, now = Date.now()) {
  if (range !== 'custom') return { from: now - RANGES[range], to: now };
  const from = Date.parse(customFrom);
  const to = Number.isFinite(Date.parse(customTo)) ? Date.parse(customTo) : now;
  return Number.isFinite(from) && from < to ? { from, to } : null;
}

/** The window of the same length just before `window`: what "vs previous period" compares to. */
export function baselineOf({ from, to }) {
  return { from: from - (to - from), to: from };
}

/** `hourly` for windows up to two days, `daily` beyond. */
export function seriesKind({ from, to }) {
  return to - from <= HOURLY_UP_TO_MS ? 'hourly' : 'daily';
}

/** The starts (epoch ms, UTC) of every hour or day that overlaps `window`. */
export function periodStarts({ from, to }, kind) {
  const step = kind === 'hourly' ? HOUR_MS : DAY_MS;
  const starts = [];
  for (let t = Math.floor(from / step) * step; t < to; t += step) starts.push(t);
  return starts;
}
