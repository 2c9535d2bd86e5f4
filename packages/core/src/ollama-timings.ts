/**
 * Ollama's own timings, from the final object of a response, as record fields.
 * Ollama reports durations in nanoseconds and omits zero values (`omitempty`), so an
 * absent field means "not reported", never an error (docs/api.md in ollama/ollama).
 */

/** The timing and token fields of a record that come from Ollama's response. */
export interface OllamaTimings {
  total_duration_ms: number | null;
  load_duration_ms: number | null;
  prompt_eval_duration_ms: number | null;
  eval_duration_ms: number | null;
  prompt_eval_count: number | null;
  eval_count: number | null;
  tokens_per_second: number | null;
  prompt_tokens_per_second: number | null;
  cold_start: boolean | null;
  done_reason: string | null;
}

/** Options for {@link timingsFromOllama}. */
export interface TimingsOptions {
  /** A load at least this long (ms) counts as a cold start. Default 500. */
  coldStartMs?: number;
}

/** Default threshold for `cold_start`, in milliseconds. */
export const DEFAULT_COLD_START_MS = 500;

/** Timings with nothing known. */
export const EMPTY_TIMINGS: Readonly<OllamaTimings> = Object.freeze({
  total_duration_ms: null,
  load_duration_ms: null,
  prompt_eval_duration_ms: null,
  eval_duration_ms: null,
  prompt_eval_count: null,
  eval_count: null,
  tokens_per_second: null,
  prompt_tokens_per_second: null,
  cold_start: null,
  done_reason: null,
});

/** Raw token counts and nanosecond durations as found on the wire. */
export interface RawOllamaCounters {
  total_duration?: number | undefined;
  load_duration?: number | undefined;
  prompt_eval_duration?: number | undefined;
  eval_duration?: number | undefined;
  prompt_eval_count?: number | undefined;
  eval_count?: number | undefined;
  done_reason?: string | undefined;
}

/**
 * Record fields from the counters of a final Ollama object: the `done: true` line of
 * `/api/generate` and `/api/chat`, the `/api/embed` body, or token counts taken from an
 * OpenAI-compatible `usage`. Derives `tokens_per_second`, `prompt_tokens_per_second`
 * (only when both count and duration are > 0) and `cold_start` (only when Ollama sent
 * any duration: `/v1/*` routes carry counts alone, so cold or warm is unknown there).
 *
 * @example
 * timingsFromOllama({ eval_count: 282, eval_duration: 4_535_599_000, load_duration: 1_334_875 })
 * // { eval_duration_ms: 4535.599, tokens_per_second: 62.17…, cold_start: false, … }
 */
export function timingsFromOllama(raw: RawOllamaCounters, options: TimingsOptions = {}): OllamaTimings {
  const coldStartMs = options.coldStartMs ?? DEFAULT_COLD_START_MS;
  const total = nanosToMs(raw.total_duration);
  const load = nanosToMs(raw.load_duration);
  const promptEval = nanosToMs(raw.prompt_eval_duration);
  const evalMs = nanosToMs(raw.eval_duration);
  const promptCount = countOf(raw.prompt_eval_count);
  const evalCount = countOf(raw.eval_count);
  const hasDurations = total !== null || load !== null || promptEval !== null || evalMs !== null;
  return {
    total_duration_ms: total,
    load_duration_ms: load,
    prompt_eval_duration_ms: promptEval,
    eval_duration_ms: evalMs,
    prompt_eval_count: promptCount,
    eval_count: evalCount,
    tokens_per_second: ratePerSecond(evalCount, evalMs),
    prompt_tokens_per_second: ratePerSecond(promptCount, promptEval),
    // A missing load_duration next to other durations is Ollama's omitempty for 0: warm.
    cold_start: hasDurations ? (load ?? 0) >= coldStartMs : null,
    done_reason: typeof raw.done_reason === 'string' && raw.done_reason !== '' ? raw.done_reason.slice(0, 64) : null,
  };
}

/** Nanoseconds → milliseconds; absent, non-finite or negative → `null`. */
export function nanosToMs(nanos: unknown): number | null {
  return typeof nanos === 'number' && Number.isFinite(nanos) && nanos >= 0 ? nanos / 1e6 : null;
}

/** `count / (ms / 1000)` when both are > 0 and the rate is finite, else `null`. */
export function ratePerSecond(count: number | null, ms: number | null): number | null {
  if (count === null || ms === null || count <= 0 || ms <= 0) return null;
  // A garbage duration (e.g. 1e-300 ns) overflows the division; such a rate means nothing.
  const rate = count / (ms / 1000);
  return Number.isFinite(rate) ? rate : null;
}

function countOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
