/**
 * Which kind of file `import` was given, from its first non-empty lines: an Ollama server
 * log (GIN request lines among Ollama's other output), JSONL of ollama-perf records, the
 * `performance.jsonl` of Python tools, or the performance.jsonl of the Python snippet.
 */
import { stripAnsi } from './parse-gin-log.js';

/** The file kinds `import` reads. */
export const IMPORT_FORMATS = ['gin', 'jsonl', 'python', 'perf-jsonl'] as const;
/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How many non-empty lines detection looks at. */
export const DETECTION_LINES = 50;

// Ollama's own log lines: slog (`time=… level=INFO source=…`) and the older
// `2024/05/01 12:00:00 routes.go:1008: INFO …` form; Gin's debug lines.
const OLLAMA_LOG = [
  /(?:^|\s)time=\S+ level=[A-Z]+ /,
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \S+\.go:\d+: /,
  /\[GIN(?:-debug)?\] /,
];

// The Python snippet's performance.jsonl: Ollama's durations in ms, no total latency.
const PERF_JSONL_DURATIONS = ['load_duration_ms', 'prompt_eval_duration_ms', 'eval_duration_ms'];

/**
 * The format of a file from its first lines (at most {@link DETECTION_LINES} non-empty
 * ones are looked at), or `null` when none of them tells.
 *
 * @example
 * detectFormat(['{"timestamp":"2025-11-05T16:14:34","total_latency_ms":812.5,…}']) // 'python'
 * detectFormat(['{"model": "qwen2.5vl:7b", "load_duration_ms": 4151.2, …}'])       // 'perf-jsonl'
 */
export function detectFormat(lines: readonly string[]): ImportFormat | null {
  let seen = 0;
  for (const raw of lines) {
    const line = stripAnsi(raw).trim();
    if (line === '') continue;
    if (++seen > DETECTION_LINES) break;
    if (line.startsWith('{')) {
      const keys = objectKeys(line);
      if (keys === null) continue;
      if (keys.has('id') && keys.has('latency_ms') && keys.has('ts')) return 'jsonl';
      if (keys.has('total_latency_ms') || (keys.has('timestamp') && keys.has('operation'))) return 'python';
      if (PERF_JSONL_DURATIONS.some((key) => keys.has(key))) return 'perf-jsonl';
      continue;
    }
    if (OLLAMA_LOG.some((pattern) => pattern.test(line))) return 'gin';
  }
  return null;
}

function objectKeys(line: string): Set<string> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? new Set(Object.keys(value)) : null;
  } catch {
    return null;
  }
}
