/**
 * One record as a line of ollama-perf's own JSONL — what `export --format jsonl` writes, the
 * perf log (`PERF_LOG`) appends, and `import` / `POST /ingest` read back.
 */
import { REQUEST_METRIC_FIELDS, type RequestMetric } from '@ollama-perf/core';

/** One record as a JSONL line (with its newline), fields in schema order. */
export function jsonlLine(record: RequestMetric): string {
  const ordered: Record<string, unknown> = {};
  for (const field of REQUEST_METRIC_FIELDS) ordered[field] = record[field];
  return `${JSON.stringify(ordered)}\n`;
}
