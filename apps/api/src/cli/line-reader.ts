/**
 * How `import` reads a file: line by line, in order, through a reader that may keep state
 * across lines. Most formats are one record per line ({@link readerOf} turns such a parser
 * into a reader); an Ollama server log is not — a runner start line belongs to the request
 * line that follows it — so its reader holds lines back until a later line decides them.
 */
import type { NumberedLineParser, ParsedLine } from './parsed-line.js';

/** The outcome of the line numbered `lineNumber` (1-based). */
export interface NumberedOutcome {
  lineNumber: number;
  parsed: ParsedLine;
}

/** Reads the lines of one file in order. */
export interface LineReader {
  /**
   * The outcomes this line decides: its own and those of earlier lines it settles. A line
   * the reader keeps for later, or uses without making a record of it, yields nothing here.
   */
  read(line: string, lineNumber: number): NumberedOutcome[];
  /** The outcomes of lines still held when the file ends. */
  end(): NumberedOutcome[];
  /** What the reader used besides records, for the file's summary line (none: empty). */
  notes(): string[];
}

/**
 * A reader of one record (or skip) per line.
 *
 * @example
 * const reader = readerOf(parseMetricJsonlLine);
 * reader.read('{"id":"…",…}', 1) // [{ lineNumber: 1, parsed: { record: {…} } }]
 */
export function readerOf(parse: NumberedLineParser): LineReader {
  return {
    read: (line, lineNumber) => [{ lineNumber, parsed: parse(line, lineNumber) }],
    end: () => [],
    notes: () => [],
  };
}
