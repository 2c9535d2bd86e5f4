/**
 * The perf log (`PERF_LOG`): every record of a proxied request appended to a file as one
 * JSON line, exactly as `export --format jsonl` writes it (so `import` reads it back). Runs
 * on the storage thread and writes asynchronously, one append at a time, so the proxy never
 * waits for it. Rotated by size: once the next line would take the file past its limit, it
 * becomes `<path>.1` (`.1` → `.2`, …; the oldest past {@link PERF_LOG_KEEP} is deleted).
 * A failing write (bad path, full disk) loses that batch's lines, is counted, and is logged
 * once per failing streak; proxying and storing go on regardless. So does a disk slower than
 * the traffic: past {@link PERF_LOG_MAX_QUEUED} lines waiting, new lines are dropped and
 * counted the same way, rather than growing the storage thread's memory without bound.
 */
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RequestMetric } from '@ollama-perf/core';
import { jsonlLine } from './jsonl-line.js';

/** Rotated files kept besides the current one: `<path>.1` (newest) … `<path>.3` (oldest). */
export const PERF_LOG_KEEP = 3;

/** Lines waiting for the disk past which new ones are dropped (about 25 MB of typical lines). */
export const PERF_LOG_MAX_QUEUED = 50_000;

/** Options of {@link perfLog}. */
export interface PerfLogOptions {
  /** Size past which the file is rotated, bytes. A single longer line still gets a file of its own. */
  maxBytes: number;
  /** Rotated files kept (at least 1). Default {@link PERF_LOG_KEEP}. */
  keep?: number;
  /** Lines waiting past which new ones are dropped. Default {@link PERF_LOG_MAX_QUEUED}. */
  maxQueued?: number;
  /** Told the first failure of each failing streak, and at close how many lines were lost. */
  onError: (message: string) => void;
}

/** An appending, rotating JSONL file of records. */
export interface PerfLog {
  /** Queues the records' lines; never throws, never waits. */
  write(records: readonly RequestMetric[]): void;
  /** Lines that could not be written so far. */
  lost(): number;
  /** Resolves once every queued line is written (or lost). */
  close(): Promise<void>;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

/**
 * Opens the perf log at `path` (its directory is created when missing).
 *
 * @example
 * const log = perfLog('./data/perf.jsonl', { maxBytes: 100 * 2 ** 20, onError: console.error });
 * log.write(records);
 */
export function perfLog(path: string, options: PerfLogOptions): PerfLog {
  const keep = Math.max(1, options.keep ?? PERF_LOG_KEEP);
  const maxQueued = options.maxQueued ?? PERF_LOG_MAX_QUEUED;
  let queued: string[] = [];
  let draining: Promise<void> | null = null;
  // Bytes in the current file; null until read (again, after a failure).
  let size: number | null = null;
  let lost = 0;
  let failing = false;
  let overflowing = false;

  const currentSize = async () => {
    if (size !== null) return size;
    await mkdir(dirname(path), { recursive: true });
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return 0;
      throw error;
    }
  };

  const rotate = async () => {
    await rm(`${path}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      await rename(`${path}.${n}`, `${path}.${n + 1}`).catch((error: unknown) => {
        if (codeOf(error) !== 'ENOENT') throw error;
      });
    }
    await rename(path, `${path}.1`);
  };

  // Appends the lines, rotating between two lines whenever the next would pass the limit.
  const append = async (lines: string[]) => {
    let bytes = await currentSize();
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const lineBytes = Buffer.byteLength(line);
      if (bytes + chunkBytes > 0 && bytes + chunkBytes + lineBytes > options.maxBytes) {
        if (chunk !== '') await appendFile(path, chunk);
        await rotate();
        bytes = 0;
        chunk = '';
        chunkBytes = 0;
      }
      chunk += line;
      chunkBytes += lineBytes;
    }
    if (chunk !== '') await appendFile(path, chunk);
    size = bytes + chunkBytes;
  };

  const drain = async () => {
    while (queued.length > 0) {
      const lines = queued;
      queued = [];
      try {
        await append(lines);
        failing = false;
      } catch (error) {
        // Part of the batch may be in the file; counting it all as lost errs on the safe side.
        size = null;
        lost += lines.length;
        if (!failing)
          options.onError(`cannot write the perf log ${path} (records are still stored): ${reasonOf(error)}`);
        failing = true;
      }
    }
    draining = null;
  };

  return {
    write(records) {
      const room = Math.max(0, maxQueued - queued.length);
      if (records.length > room) {
        lost += records.length - room;
        if (!overflowing)
          options.onError(
            `the perf log ${path} falls behind (${queued.length} lines waiting): dropping lines (records are still stored)`,
          );
      }
      overflowing = records.length > room;
      for (const record of records.slice(0, room)) queued.push(jsonlLine(record));
      draining ??= drain();
    },
    lost: () => lost,
    async close() {
      await draining;
      if (lost > 0) options.onError(`the perf log ${path} misses ${lost} record(s) it could not write`);
    },
  };
}
