/**
 * Ollama's own log lines, written by Go's `log/slog` text handler:
 *
 *   time=2025-11-05T16:14:30.101+01:00 level=INFO source=server.go:1332 msg="llama runner started in 4.37 seconds"
 *
 * as a file or the terminal shows them, or behind a journald prefix
 * (`Nov 05 16:14:30 gpu-box ollama[1234]: time=…`, `journalctl -o short-iso`:
 * `2025-11-05T16:14:30+0100 gpu-box ollama[1234]: time=…`). Values are bare or Go-quoted
 * (`strconv.Quote`), keys too (`"model layers"=29`).
 */
import { goUnquote, stripAnsi } from './parse-gin-log.js';

/** One slog line: its time (epoch ms, from the offset it carries), level, message and other attributes. */
export interface SlogLine {
  time: number;
  level: string;
  msg: string;
  attributes: ReadonlyMap<string, string>;
  /** The line from `time=` on: the same line through journald or a file reads the same. */
  text: string;
}

// `time=` at the start of the line or after a prefix ending in a space.
const START = /(?:^|\s)(time=\S+ level=[A-Z]+ )/;
const BARE_KEY = /^[^\s"=]+/;
const BARE_VALUE = /^\S*/;
const QUOTED = /^"(?:[^"\\]|\\.)*"/;

/**
 * The slog line in `raw`, or `null` when it holds none (GIN lines, llama.cpp output, a
 * `time=` that is not a time).
 *
 * @example
 * readSlogLine('ollama[1]: time=2025-11-05T16:14:30.101+01:00 level=ERROR source=sched.go:1 msg="error loading llama server" error="exit status 2"')
 * // { time: Date.parse('2025-11-05T15:14:30.101Z'), level: 'ERROR', msg: 'error loading llama server', attributes: Map { 'source' => …, 'error' => 'exit status 2' }, … }
 */
export function readSlogLine(raw: string): SlogLine | null {
  const line = stripAnsi(raw);
  const start = START.exec(line);
  if (start === null) return null;
  const text = line.slice(start.index + start[0].length - (start[1] as string).length).trimEnd();
  const attributes = attributesOf(text);
  if (attributes === null) return null;
  const time = Date.parse(attributes.get('time') ?? '');
  const level = attributes.get('level');
  if (!Number.isFinite(time) || level === undefined) return null;
  return { time, level, msg: attributes.get('msg') ?? '', attributes, text };
}

// key=value pairs separated by spaces; null when the text is not made of them.
function attributesOf(text: string): Map<string, string> | null {
  const attributes = new Map<string, string>();
  let rest = text;
  while (rest !== '') {
    const key = token(rest, BARE_KEY);
    if (key === null || rest.charAt(key.length) !== '=') return attributes.size >= 2 ? attributes : null;
    rest = rest.slice(key.length + 1);
    const value = token(rest, BARE_VALUE) ?? { text: '', length: 0 };
    attributes.set(key.text, value.text);
    rest = rest.slice(value.length).trimStart();
  }
  return attributes;
}

function token(text: string, bare: RegExp): { text: string; length: number } | null {
  const quoted = QUOTED.exec(text);
  if (quoted !== null) {
    const unquoted = goUnquote(quoted[0]);
    return unquoted === null ? null : { text: unquoted, length: quoted[0].length };
  }
  const match = bare.exec(text);
  return match === null || match[0] === '' ? null : { text: match[0], length: match[0].length };
}
