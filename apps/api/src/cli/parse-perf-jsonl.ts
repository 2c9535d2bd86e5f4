/**
 * The `logs/performance.jsonl` of the Python snippet our first users run → records. One
 * `json.dumps` object per line with `model, load_duration_ms, prompt_eval_duration_ms,
 * eval_duration_ms, tokens_per_second, prompt_tokens, generated_tokens` — no timestamp, no
 * operation, no total latency. Lines without a timestamp are stamped with the file's
 * modification time; keys the parser does not use are named, never dropped silently.
 */
import { UNKNOWN_MODEL } from '@ollama-perf/core';
import { count, positive, rate } from './numeric-fields.js';
import { ENDPOINTS, normalizeOperation, pythonTimestamp } from './parse-python-jsonl.js';
import { jsonObjectOf, malformed, type NumberedLineParser, type ParsedLine, validated } from './parsed-line.js';
import { importedRecordId } from './record-id.js';
import type { TimeZone } from './time-zone.js';

/** Options of {@link perfJsonlParser}. */
export interface PerfJsonlOptions {
  /** Zone of a `timestamp` written without an offset, should a line carry one. */
  timeZone: TimeZone;
  /** A load at least this long (ms) is a cold start. */
  coldStartMs: number;
  /** The file's absolute path: part of each id, so equal lines of two files stay apart. */
  path: string;
  /** The file's modification time (epoch ms): the time of lines without a timestamp. */
  modifiedMs: number;
}

/** The keys this parser reads; any other key of a line is reported as unused. */
export const PERF_JSONL_KEYS: readonly string[] = [
  'model',
  'load_duration_ms',
  'prompt_eval_duration_ms',
  'eval_duration_ms',
  'tokens_per_second',
  'prompt_tokens',
  'generated_tokens',
  'operation',
  'timestamp',
];

/**
 * A parser of performance.jsonl lines, called with each line and its 1-based number.
 * `latency_ms` is load + prompt eval + eval (the known ones; the snippet logs no total), so
 * a line without any of the three durations is skipped. A line without a timestamp gets
 * the modification time plus its line number in ms — keeping the file's order — and its id
 * comes from path, line number and content, so importing the file again adds nothing.
 */
export function perfJsonlParser(options: PerfJsonlOptions): NumberedLineParser {
  const modified = Math.floor(options.modifiedMs);
  return function parsePerfLine(line: string, lineNumber: number): ParsedLine {
    const json = jsonObjectOf(line);
    if ('skip' in json) return json;
    const { entry } = json;
    const operation = 'operation' in entry ? normalizeOperation(String(entry.operation)) : 'generate';
    if (operation === null) return malformed('unknown operation', `"${String(entry.operation)}"`);
    const undated = entry.timestamp === undefined || entry.timestamp === null;
    const ts = undated ? modified + lineNumber - 1 : pythonTimestamp(entry.timestamp, options.timeZone);
    if (ts === null) return malformed('invalid record', `timestamp: ${JSON.stringify(entry.timestamp)}`);

    const load = positive(entry.load_duration_ms);
    const promptEval = positive(entry.prompt_eval_duration_ms);
    const evalMs = positive(entry.eval_duration_ms);
    if (load === null && promptEval === null && evalMs === null)
      return malformed('invalid record', 'no load, prompt eval or eval duration');
    const promptTokens = count(entry.prompt_tokens);
    const generated = count(entry.generated_tokens);
    const model = typeof entry.model === 'string' && entry.model.trim() !== '' ? entry.model.trim() : UNKNOWN_MODEL;
    const parsed = validated({
      id: importedRecordId('perf-jsonl', `${options.path}\n${lineNumber}\n${line.trim()}`),
      ts,
      model,
      operation,
      endpoint: ENDPOINTS[operation],
      project: null,
      stream: false,
      status: 200,
      success: true,
      error_type: null,
      error_message: null,
      latency_ms: (load ?? 0) + (promptEval ?? 0) + (evalMs ?? 0),
      ttft_ms: null,
      // Ollama's total also counts time around the three phases: not derivable from them.
      total_duration_ms: null,
      load_duration_ms: load,
      prompt_eval_duration_ms: promptEval,
      eval_duration_ms: evalMs,
      prompt_eval_count: promptTokens,
      eval_count: generated,
      tokens_per_second: rate(entry.tokens_per_second, generated, evalMs),
      prompt_tokens_per_second: rate(undefined, promptTokens, promptEval),
      // As for Ollama's answers: a missing load time next to other timings is a warm load.
      cold_start: (load ?? 0) >= options.coldStartMs,
      done_reason: null,
      concurrency: null,
      switched_from: null,
    });
    if (!('record' in parsed)) return parsed;
    const unused = Object.keys(entry).filter((key) => !PERF_JSONL_KEYS.includes(key));
    return { ...parsed, ...(unused.length > 0 ? { unused } : {}), ...(undated ? { undated: true } : {}) };
  };
}
