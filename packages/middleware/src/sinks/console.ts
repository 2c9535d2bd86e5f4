/** A console sink: one JSON line per record on stdout (pipe it to `jq`, a log shipper, a file). */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '../sink.js';

/**
 * Writes each record as one JSON line through `log` (default `console.log`).
 *
 * @example
 * app.use(ollamaMetrics({ sink: consoleSink() }));
 */
export function consoleSink(options: { log?: (line: string) => void } = {}): MetricSink {
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    write(records: RequestMetric[]) {
      for (const record of records) log(JSON.stringify(record));
    },
  };
}
