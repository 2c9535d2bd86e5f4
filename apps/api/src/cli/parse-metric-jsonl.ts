/**
 * JSONL of ollama-perf's own records (what `export --format jsonl` and the middleware's
 * `jsonlFileSink` write) → records, each validated with core's `requestMetricSchema`.
 * Records keep their ids, so importing the same records again stores nothing new.
 */
import { malformed, type ParsedLine, validated } from './parsed-line.js';

/**
 * Parses one line of record JSONL.
 *
 * @example
 * parseMetricJsonlLine('{"id":"…","ts":1764230400000,…}') // { record: {…} }
 */
export function parseMetricJsonlLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return malformed('unparseable');
  }
  return validated(value);
}
