/**
 * A spool on disk (Node): one JSON record per line, appended synchronously so a crash or
 * restart right after a failed write loses nothing; the next start replays it. What has been
 * replayed is kept as a byte offset in `<path>.offset`, so replay goes on from there — after a
 * failed page, and across restarts — reading only the page it needs, never the whole file.
 * Lines are read by core's `readRequestMetric` (a line of an older version is upgraded); a
 * line that still is no record is copied to `<path>.rejected.jsonl` before the offset moves
 * past it, so no line is ever deleted unread.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { type RequestMetric, readRequestMetric } from '@ollama-perf/core';
import type { Spool } from './spool.js';

/** Bytes read at a time while peeking or counting. */
const READ_BLOCK = 1 << 20;

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

// A line cut by a crash mid-append, or one that no version of the record explains, is null.
function parseLine(line: string): RequestMetric | null {
  try {
    const read = readRequestMetric(JSON.parse(line));
    return read.success ? read.record : null;
  } catch {
    return null;
  }
}

/** Lines in `file`; 0 when it does not exist or cannot be read (the count only informs /healthz). */
function countLines(file: string): number {
  let count = 0;
  try {
    readFrom(file, 0, (block) => {
      for (const byte of block) if (byte === 0x0a) count++;
      return true;
    });
  } catch {
    return 0;
  }
  return count;
}

/** Calls `onBlock` with the file's bytes from `from` on, a block at a time, until it returns false. */
function readFrom(file: string, from: number, onBlock: (block: Buffer) => boolean): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BLOCK);
    for (let position = from; ; ) {
      const n = readSync(fd, buffer, 0, READ_BLOCK, position);
      if (n === 0 || !onBlock(buffer.subarray(0, n))) return;
      position += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether the file is missing, empty, or ends with a line end. */
function endsWithNewline(file: string): boolean {
  const size = sizeOf(file);
  if (size === 0) return true;
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * A spool file at `path` holding at most `maxRecords` not yet replayed; lines that are no
 * record go to `<path>.rejected.jsonl` (`rejectedPath`).
 */
export function fileSpool(
  path: string,
  maxRecords = 1_000_000,
): Spool & { readonly path: string; readonly rejectedPath: string } {
  const file = resolve(path);
  const offsetFile = `${file}.offset`;
  const rejectedFile = `${file}.rejected.jsonl`;
  mkdirSync(dirname(file), { recursive: true });
  let offset = readOffset();
  let count = 0;
  countFrom(offset);
  // An append cut by a crash or a full disk left no line end: that line is closed before the
  // next record is written, or the record would join it (now, or at the next append if the
  // disk is full now).
  let unterminated = !endsWithNewline(file);
  if (unterminated) {
    try {
      appendFileSync(file, '\n');
      unterminated = false;
      count++;
    } catch {}
  }
  let rejected = countLines(rejectedFile);
  let peeked = { bytes: 0, lines: 0, rejects: [] as string[] };

  function countFrom(position: number): void {
    readFrom(file, position, (block) => {
      for (const byte of block) if (byte === 0x0a) count++;
      return true;
    });
  }

  /** After an append that failed part way: counts the lines it did write, notes a cut last line. */
  function settleFailedAppend(sizeBefore: number): void {
    try {
      countFrom(sizeBefore);
      unterminated = !endsWithNewline(file);
    } catch {
      unterminated = true;
    }
  }

  function readOffset(): number {
    if (!existsSync(offsetFile)) return 0;
    const value = Number(readFileSync(offsetFile, 'utf8').trim());
    // An offset that does not fit the file (edited, or the file replaced) replays it all: inserts skip known ids.
    return Number.isSafeInteger(value) && value >= 0 && value <= sizeOf(file) ? value : 0;
  }

  function saveOffset(): void {
    // Written aside then renamed: a crash leaves the old offset or the new one, never half of one.
    writeFileSync(`${offsetFile}.tmp`, String(offset));
    renameSync(`${offsetFile}.tmp`, offsetFile);
  }

  return {
    path: file,
    append(records) {
      const room = Math.max(0, maxRecords - count);
      const kept = records.slice(0, room);
      if (kept.length > 0) {
        const sizeBefore = sizeOf(file);
        const text = kept.map((r) => `${JSON.stringify(r)}\n`).join('');
        try {
          appendFileSync(file, unterminated ? `\n${text}` : text, 'utf8');
        } catch (error) {
          settleFailedAppend(sizeBefore);
          throw error;
        }
        count += kept.length + (unterminated ? 1 : 0);
        unterminated = false;
      }
      return records.length - kept.length;
    },
    peek(max) {
      const page: RequestMetric[] = [];
      const decoder = new StringDecoder('utf8');
      let carry = '';
      peeked = { bytes: 0, lines: 0, rejects: [] };
      readFrom(file, offset, (block) => {
        const text = carry + decoder.write(block);
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          const line = text.slice(start, end);
          start = end + 1;
          peeked.bytes += Buffer.byteLength(line) + 1;
          peeked.lines++;
          // The empty line is the one closed after a crash cut nothing at all.
          const record = line === '' ? null : parseLine(line);
          if (record !== null) page.push(record);
          else if (line !== '') peeked.rejects.push(line);
          if (peeked.lines >= max) return false;
        }
        carry = text.slice(start);
        return true;
      });
      return page;
    },
    advance() {
      // Kept aside before the offset moves past them: if this write fails, the page is read again.
      if (peeked.rejects.length > 0) {
        appendFileSync(rejectedFile, peeked.rejects.map((line) => `${line}\n`).join(''), 'utf8');
        rejected += peeked.rejects.length;
      }
      offset += peeked.bytes;
      // Nothing left to read means nothing held, whatever was counted.
      count = peeked.lines === 0 ? 0 : Math.max(0, count - peeked.lines);
      peeked = { bytes: 0, lines: 0, rejects: [] };
      if (offset >= sizeOf(file)) {
        rmSync(file, { force: true });
        rmSync(offsetFile, { force: true });
        offset = 0;
        count = 0;
      } else saveOffset();
    },
    size: () => count,
    rejected: () => rejected,
    rejectedPath: rejectedFile,
  };
}
