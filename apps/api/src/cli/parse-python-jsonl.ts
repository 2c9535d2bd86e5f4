/**
 * The `logs/performance.jsonl` that Python Ollama tools write → records. One JSON object
 * per line with `timestamp, model, operation, total_latency_ms, success, error,
 * load_time_ms, prompt_eval_time_ms, generation_time_ms, prompt_tokens, generated_tokens,
 * tokens_per_second, prompt_tokens_per_second`. Zeros in timing and count fields mean
 * "not measured" there, as they do in Ollama's own `omitempty` answers.
 */
import { type ErrorType, type Operation, truncateMessage, UNKNOWN_MODEL } from '@ollama-perf/core';
import { count, positive, rate } from './numeric-fields.js';
import { jsonObjectOf, type LineParser, malformed, type ParsedLine, validated } from './parsed-line.js';
import { importedRecordId } from './record-id.js';
import type { TimeZone } from './time-zone.js';

/** Options of {@link pythonJsonlParser}. */
export interface PythonJsonlOptions {
  /** Zone of timestamps written without an offset (Python's `datetime.now().isoformat()`). */
  timeZone: TimeZone;
  /** A load at least this long (ms) is a cold start. */
  coldStartMs: number;
}

/** The endpoint each operation is served on. */
export const ENDPOINTS: Readonly<Record<Operation, string>> = {
  generate: '/api/generate',
  chat: '/api/chat',
  embed: '/api/embed',
};

/**
 * The operation a tool's name for it stands for: `embed`, `embeddings` → embed;
 * `chat`, `chat_completion`, `stream_chat` → chat; `generate`, `generation`,
 * `completion`, `text` → generate. `null` for anything else.
 */
export function normalizeOperation(name: string): Operation | null {
  const value = name.toLowerCase();
  if (value.includes('embed')) return 'embed';
  if (value.includes('chat')) return 'chat';
  if (/generat|complet|text/.test(value)) return 'generate';
  return null;
}

// ISO-8601 as Python writes it: "T" or space, optional microseconds (or ",123" from logging), optional offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch ms of a Python timestamp: ISO-8601 (naive ones read in `timeZone`) or epoch
 * seconds (`time.time()`) or milliseconds, as a number or numeric string. `null` otherwise.
 *
 * @example
 * pythonTimestamp('2025-11-05T16:14:34.123456', UTC) // Date.UTC(2025, 10, 5, 16, 14, 34, 123)
 * pythonTimestamp(1762359274.5, UTC)                 // 1762359274500
 */
export function pythonTimestamp(value: unknown, timeZone: TimeZone): number | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) return null;
    // Seconds until the year 5138; anything larger is already milliseconds.
    return Math.round(n < 1e11 ? n * 1000 : n);
  }
  if (typeof value !== 'string') return null;
  const m = ISO.exec(value.trim());
  if (m === null) return null;
  const wall = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
  };
  if (
    wall.month < 1 ||
    wall.month > 12 ||
    wall.day < 1 ||
    wall.day > 31 ||
    wall.hour > 23 ||
    wall.minute > 59 ||
    wall.second > 59
  )
    return null;
  const zone = m[8];
  if (zone === undefined) return timeZone.epochOf(wall);
  const utc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  if (zone.toUpperCase() === 'Z') return utc;
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (offset === null) return null;
  const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
  return utc - (offset[1] === '-' ? -1 : 1) * minutes * 60_000;
}

// A failed request has no HTTP status in these logs; the message says what went wrong.
function errorTypeOf(message: string | null): ErrorType {
  const text = message ?? '';
  if (/model\b.*\bnot found|pull(ing)? it first/i.test(text)) return 'model_not_found';
  if (/timed? ?out|timeout|deadline/i.test(text)) return 'upstream_timeout';
  if (/connect|refused|unreachable|resolve|ECONN|name or service/i.test(text)) return 'upstream_unreachable';
  if (/\b503\b|busy|overloaded|too many/i.test(text)) return 'upstream_busy';
  if (/\b4\d\d\b|bad request|invalid/i.test(text)) return 'bad_request';
  return 'upstream_error';
}

const STATUS_OF: Readonly<Record<ErrorType, number>> = {
  model_not_found: 404,
  upstream_timeout: 504,
  upstream_unreachable: 502,
  upstream_busy: 503,
  bad_request: 400,
  upstream_error: 500,
  stream_error: 200,
  client_aborted: 499,
  not_found: 404,
};

function isTrue(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && /^(true|1|yes)$/i.test(value));
}

/**
 * A parser of Python `performance.jsonl` lines. The id is derived from the line, so the
 * same file imports once. A failed request's status and `error_type` come from its error
 * message (no HTTP status is logged); `cold_start` from the load time, as the gateway does.
 */
export function pythonJsonlParser(options: PythonJsonlOptions): LineParser {
  return function parsePythonLine(line: string): ParsedLine {
    const json = jsonObjectOf(line);
    if ('skip' in json) return json;
    const { entry } = json;
    const operation = normalizeOperation(String(entry.operation ?? ''));
    if (operation === null) return malformed('unknown operation', `"${String(entry.operation ?? '')}"`);
    const ts = pythonTimestamp(entry.timestamp, options.timeZone);
    if (ts === null) return malformed('invalid record', `timestamp: ${JSON.stringify(entry.timestamp ?? null)}`);
    const rawLatency = entry.total_latency_ms;
    const latency =
      typeof rawLatency === 'number' || (typeof rawLatency === 'string' && rawLatency.trim() !== '')
        ? Number(rawLatency)
        : Number.NaN;
    if (!(latency >= 0 && Number.isFinite(latency)))
      return malformed('invalid record', `total_latency_ms: ${JSON.stringify(entry.total_latency_ms ?? null)}`);

    const errorText = typeof entry.error === 'string' && entry.error !== '' ? entry.error : null;
    const success = 'success' in entry ? isTrue(entry.success) : errorText === null;
    const errorType = success ? null : errorTypeOf(errorText);
    const load = positive(entry.load_time_ms);
    const promptEval = positive(entry.prompt_eval_time_ms);
    const generation = positive(entry.generation_time_ms);
    const promptTokens = count(entry.prompt_tokens);
    const generated = count(entry.generated_tokens);
    const anyDuration = load !== null || promptEval !== null || generation !== null;
    const model = typeof entry.model === 'string' && entry.model.trim() !== '' ? entry.model.trim() : UNKNOWN_MODEL;
    return validated({
      id: importedRecordId('python', line.trim()),
      ts,
      model,
      operation,
      endpoint: ENDPOINTS[operation],
      project: null,
      stream: /stream/i.test(String(entry.operation)),
      status: errorType === null ? 200 : STATUS_OF[errorType],
      success,
      error_type: errorType,
      error_message: errorType === null || errorText === null ? null : truncateMessage(errorText),
      latency_ms: latency,
      ttft_ms: null,
      total_duration_ms: null,
      load_duration_ms: load,
      prompt_eval_duration_ms: promptEval,
      eval_duration_ms: generation,
      prompt_eval_count: promptTokens,
      eval_count: generated,
      tokens_per_second: rate(entry.tokens_per_second, generated, generation),
      prompt_tokens_per_second: rate(entry.prompt_tokens_per_second, promptTokens, promptEval),
      // As for Ollama's answers: a missing load time next to other timings is a warm load.
      cold_start: anyDuration ? (load ?? 0) >= options.coldStartMs : null,
      done_reason: null,
      concurrency: null,
      switched_from: null,
    });
  };
}
