/**
 * Ollama server logs → records. Ollama's HTTP server is Gin, whose logger writes one line
 * per request (gin-gonic/gin logger.go, `defaultLogFormatter`):
 *
 *   [GIN] 2025/11/05 - 16:14:34 | 200 |  12.650958875s |       127.0.0.1 | POST     "/api/generate"
 *
 * in the server's local time, stamped when the response ended, with ANSI colours on the
 * status and method when it wrote to a terminal. Such a line names no model and no
 * timings: a record from it has the route, status and latency, the rest unknown.
 */
import { buildRequestMetric, operationForPath, type RequestObservation } from '@ollama-perf/core';
import { parseGoDuration } from './duration.js';
import {
  expectedSkip,
  type LineParser,
  malformed,
  type ParsedLine,
  type SkippedLine,
  validated,
} from './parsed-line.js';
import { importedRecordId } from './record-id.js';
import type { TimeZone } from './time-zone.js';

/** Options of {@link ginLogParser}. */
export interface GinLogOptions {
  /** The zone the Ollama server's clock ran in (GIN prints local time without an offset). */
  timeZone: TimeZone;
}

// CSI sequences such as "\x1b[97;42m" (colours) and "\x1b[0m" (reset).
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what it matches
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
// "[GIN] %v |%s %3d %s| %13v | %15s |%s %-7s %s %#v": the path is a Go-quoted string.
const GIN_LINE =
  /\[GIN\] (\d{4})\/(\d{2})\/(\d{2}) - (\d{2}):(\d{2}):(\d{2}) \|\s*(\d{3})\s*\|\s*(\S+)\s*\|\s*(\S*)\s*\|\s*([A-Za-z]+)\s+("(?:[^"\\]|\\.)*")\s*$/;

/** The line without ANSI escape sequences. */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ANSI, '') : line;
}

/** A GIN request line read: what a capture would have observed of that request. */
export interface GinRequest {
  observation: RequestObservation;
  /** The line from "[GIN]" on, without colours: the source of the record's id. */
  text: string;
}

/**
 * One line of an Ollama server log as a GIN request line: the request it logs, or why
 * the line is skipped (other output and other routes as expected, a broken `[GIN]` line
 * as unparseable). The observation's `ts` is the request's arrival: the stamp (end of the
 * response, to the second) minus the latency; model unknown, `stream` false, no timings.
 */
export function readGinLine(raw: string, timeZone: TimeZone): GinRequest | SkippedLine {
  const line = stripAnsi(raw);
  const at = line.indexOf('[GIN] ');
  if (at === -1) return expectedSkip('other log output');
  // From "[GIN]" on: the same request logged through journald or a file gets the same id.
  const text = line.slice(at).trimEnd();
  const match = GIN_LINE.exec(text);
  if (match === null) return malformed('unparseable');
  const [, year, month, day, hour, minute, second, status, latency, , method, quotedPath] =
    match as unknown as string[];
  const path = goUnquote(quotedPath as string);
  const latencyMs = parseGoDuration(latency as string);
  const wall = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  if (path === null || latencyMs === null || latencyMs < 0 || !isValidWallTime(wall)) return malformed('unparseable');
  const operation = (method as string).toUpperCase() === 'POST' ? operationForPath(path) : null;
  if (operation === null) return expectedSkip('not an inference route');
  const end = timeZone.epochOf(wall);
  return {
    text,
    observation: {
      id: importedRecordId('gin', text),
      ts: Math.max(0, Math.round(end - latencyMs)),
      endpoint: path,
      operation,
      model: null,
      project: null,
      stream: false,
      status: Number(status),
      latency_ms: latencyMs,
      ttft_ms: null,
    },
  };
}

/**
 * A parser of GIN request lines alone (see {@link readGinLine}); `import` reads whole
 * server logs with `serverLogReader`, which also uses Ollama's own lines.
 *
 * @example
 * const parse = ginLogParser({ timeZone: parseTimeZone('Europe/Berlin')! });
 * parse('[GIN] 2025/11/05 - 16:14:34 | 200 |  12.650958875s |  ::1 | POST "/api/generate"')
 * // { record: { ts: Date.UTC(2025, 10, 5, 15, 14, 21, 349), operation: 'generate', latency_ms: 12650.958875, … } }
 */
export function ginLogParser(options: GinLogOptions): LineParser {
  return function parseGinLine(raw: string): ParsedLine {
    const read = readGinLine(raw, options.timeZone);
    return 'skip' in read ? read : validated(buildRequestMetric(read.observation));
  };
}

function isValidWallTime(w: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  return w.day <= new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * A Go double-quoted string literal (what `%#v` / `strconv.Quote` print) → its text;
 * `null` when it is not one.
 *
 * @example
 * goUnquote('"/api/chat?q=\\"x\\""') // '/api/chat?q="x"'
 */
export function goUnquote(quoted: string): string | null {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return null;
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return null;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : /[0-7]/.test(next) ? 3 : 0;
    if (width === 0) return null;
    const digits =
      next === 'x' || next === 'u' || next === 'U' ? body.slice(i + 1, i + 1 + width) : body.slice(i, i + width);
    const radix = /[0-7]/.test(next) ? 8 : 16;
    if (digits.length !== width || !(radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/).test(digits)) return null;
    const code = Number.parseInt(digits, radix);
    if (code > 0x10ffff) return null;
    // \x and octal escapes are bytes; in a URL path they only ever stand for ASCII control bytes.
    out += String.fromCodePoint(code);
    i += radix === 8 ? width - 1 : width;
  }
  return out;
}
