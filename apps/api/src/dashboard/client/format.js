// Number formatting of the dashboard: rounded for reading, "—" where a value is unknown.

/** Whether a value is absent (null or undefined). */
export const absent = (value) => value === null || value === undefined;

/** `value` with `digits` fraction digits, or "—". */
export function fmtNumber(value, digits) {
  return absent(value)
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Milliseconds as "812.3 ms" or "2.01 s", or "—". */
export function fmtMs(value) {
  if (absent(value)) return '—';
  return value >= 1000 ? `${fmtNumber(value / 1000, 2)} s` : `${fmtNumber(value, 1)} ms`;
}

/** A ratio as a percentage, or "—". */
export function fmtRate(value) {
  return absent(value) ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A relative change as "+12.3%" / "−4.0%", or "—". */
export function fmtChange(change) {
  if (absent(change) || !Number.isFinite(change)) return '—';
  const percent = (change * 100).toFixed(1);
  if (Number(percent) === 0) return '±0.0%';
  return change > 0 ? `+${percent}%` : `${percent.replace('-', '−')}%`;
}

/** A value for a `data-value` attribute: exact, empty when unknown. */
export const dataValue = (value) => (absent(value) ? '' : String(value));

/** A new element with a class name and text. */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
