/** An in-memory sink: keeps records in an array (tests, small tools, custom exporters). */
import type { RequestMetric } from '@ollama-perf/core';
import type { MetricSink } from '../sink.js';

/** A sink whose `records` array holds everything written to it, oldest first. */
export interface MemorySink extends MetricSink {
  readonly records: RequestMetric[];
}

/**
 * Keeps the last `limit` records in memory (default: all).
 *
 * @example
 * const sink = memorySink();
 * app.use(ollamaMetrics({ sink }));
 * sink.records.at(-1)?.tokens_per_second;
 */
export function memorySink(options: { limit?: number } = {}): MemorySink {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const records: RequestMetric[] = [];
  return {
    records,
    write(batch) {
      records.push(...batch);
      if (records.length > limit) records.splice(0, records.length - limit);
    },
  };
}
