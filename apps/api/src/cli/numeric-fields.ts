/**
 * Numbers read from the JSON lines of Python tools, where a zero, an empty string or a
 * missing key all mean "not measured" (as in Ollama's own `omitempty` answers).
 */

/** A positive finite number (numeric strings accepted), else `null`. */
export function positive(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

/** A positive count, rounded to an integer, else `null`. */
export function count(value: unknown): number | null {
  const n = positive(value);
  return n === null ? null : Math.round(n);
}

/** The rate given, else `tokens` per second of `ms` when both are known, else `null`. */
export function rate(given: unknown, tokens: number | null, ms: number | null): number | null {
  return positive(given) ?? (tokens !== null && ms !== null ? tokens / (ms / 1000) : null);
}
