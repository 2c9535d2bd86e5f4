/**
 * A JSONL file sink (Node): appends one record per line, default `logs/performance.jsonl`.
 * Writes are queued and appended in order; a failed append is reported, never thrown.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '../sink.js';

/** Options of {@link jsonlFileSink}. */
export interface JsonlFileSinkOptions {
  /** File to append to; its directory is created. Default `logs/performance.jsonl`. */
  path?: string;
}

/**
 * Appends records as JSON lines. `flush()` resolves when everything written so far is on disk.
 *
 * @example
 * app.use(ollamaMetrics({ sink: jsonlFileSink({ path: 'logs/performance.jsonl' }) }));
 */
export function jsonlFileSink(
  options: JsonlFileSinkOptions = {},
): MetricSink & { flush(): Promise<void>; readonly path: string } {
  const path = resolve(options.path ?? 'logs/performance.jsonl');
  let ready: Promise<unknown> | null = null;
  let tail: Promise<void> = Promise.resolve();
  return {
    path,
    write(records: RequestMetric[]) {
      ready ??= mkdir(dirname(path), { recursive: true });
      const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      const written = tail.then(() => ready).then(() => appendFile(path, text, 'utf8'));
      // The chain continues past a failed append; the caller of write() sees the failure.
      tail = written.catch(() => undefined);
      return written;
    },
    flush: () => tail,
  };
}
