/**
 * Bytes in, complete text lines out: the shared base of the NDJSON and SSE readers.
 * A chunk may end anywhere — mid-line or inside a multi-byte UTF-8 character — and the
 * next chunk completes it.
 */

// TextDecoder is a WHATWG Encoding API present in every JS runtime we target (Node,
// Workers, browsers, Deno, Bun). core compiles without DOM types on purpose, so it is
// declared here, module-scoped, instead of pulling in a whole environment's globals.
interface Utf8Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare const TextDecoder: new (label?: string) => Utf8Decoder;

/**
 * A UTF-8 decoder for a byte stream: a character cut between two chunks comes out whole
 * with the second one. Call with no chunk at the end to flush.
 */
export function createUtf8StreamDecoder(): (chunk?: Uint8Array | string) => string {
  const decoder = new TextDecoder('utf-8');
  return (chunk) =>
    chunk === undefined
      ? decoder.decode()
      : typeof chunk === 'string'
        ? chunk
        : decoder.decode(chunk, { stream: true });
}

/** Longest line kept by default (16 Mi characters): a stream that never ends its line must not hold memory without bound. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines (`\n` or `\r\n`), decoding UTF-8 across chunk borders.
 * A line longer than `maxLineChars` is dropped (and counted in `overlongLines`) instead
 * of being held.
 */
export class LineSplitter {
  private readonly decode = createUtf8StreamDecoder();
  private pending = '';
  private skipping = false;
  /** Lines dropped for being longer than the limit. */
  overlongLines = 0;

  constructor(private readonly maxLineChars: number = MAX_LINE_CHARS) {}

  /** Feeds bytes (or already-decoded text); returns the lines they complete, without terminators. */
  push(chunk: Uint8Array | string): string[] {
    const text = this.decode(chunk);
    let newline = text.indexOf('\n');
    if (newline === -1) {
      if (!this.skipping) this.pending += text;
      this.checkLength();
      return [];
    }
    const lines: string[] = [];
    let start = 0;
    let head = this.pending;
    this.pending = '';
    while (newline !== -1) {
      if (this.skipping) this.skipping = false;
      else lines.push(stripCr(head + text.slice(start, newline)));
      head = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.pending = text.slice(start);
    this.checkLength();
    return lines;
  }

  /** Ends the stream: returns the last line if it had no terminator (empty array otherwise). */
  end(): string[] {
    const rest = this.pending + this.decode();
    this.pending = '';
    if (this.skipping) {
      this.skipping = false;
      return [];
    }
    return rest === '' ? [] : [stripCr(rest)];
  }

  private checkLength(): void {
    if (this.pending.length <= this.maxLineChars) return;
    this.pending = '';
    this.skipping = true;
    this.overlongLines++;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
