/**
 * A spool on disk (Node): one JSON record per line, appended synchronously so a crash
 * or restart right after a failed write loses nothing; the next start replays it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import type { Spool } from './spool.js';

/** A spool file at `path` holding at most `maxRecords`. */
export function fileSpool(path: string, maxRecords = 1_000_000): Spool & { readonly path: string } {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  let count = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '').length
    : 0;
  return {
    path: file,
    append(records) {
      const room = Math.max(0, maxRecords - count);
      const kept = records.slice(0, room);
      if (kept.length > 0) {
        appendFileSync(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
        count += kept.length;
      }
      return records.length - kept.length;
    },
    load() {
      if (!existsSync(file)) return [];
      const records: RequestMetric[] = [];
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        // A line cut by a crash mid-append is skipped; every complete line is a valid record.
        try {
          const parsed = requestMetricSchema.safeParse(JSON.parse(line));
          if (parsed.success) records.push(parsed.data);
        } catch {
          // Unreadable tail of an interrupted append.
        }
      }
      return records;
    },
    clear() {
      rmSync(file, { force: true });
      count = 0;
    },
    size: () => count,
  };
}
