/**
 * What `/ingest` makes of a parsed JSON body: one record or an array of them, each read by
 * core's {@link readRequestMetric} (any version of the record), the batch refused whole when
 * one record is — with issues whose path is `[index, field]` for a single record too.
 */
import { type RecordIssue, type RequestMetric, readRequestMetric } from '@ollama-perf/core';

/** Records accepted per request. */
export const MAX_INGEST_RECORDS = 10_000;

// A producer sending a different unknown key on every record must not make the answer huge.
const MAX_IGNORED_NAMES = 50;
const MAX_NAME_CHARS = 100;

/** An ingest body read: the records and the unknown field names (sorted, each once), or why not. */
export type IngestBody =
  | { success: true; records: RequestMetric[]; ignored: string[] }
  | { success: false; issues: Array<Pick<RecordIssue, 'path' | 'message' | 'code'>> };

/**
 * Reads a parsed `/ingest` body.
 *
 * @example
 * readIngestBody([{ ...recordOfVersion1 }, { ...recordOfVersion3 }]) // { success: true, records, ignored: ['new_field'] }
 */
export function readIngestBody(body: unknown): IngestBody {
  const batch = Array.isArray(body) ? body : [body];
  if (batch.length < 1 || batch.length > MAX_INGEST_RECORDS) {
    const message = `a batch holds 1 to ${MAX_INGEST_RECORDS} records, this one ${batch.length}`;
    return { success: false, issues: [{ path: [], message, code: batch.length < 1 ? 'too_small' : 'too_big' }] };
  }
  const records: RequestMetric[] = [];
  const ignored = new Set<string>();
  for (const [index, value] of batch.entries()) {
    const read = readRequestMetric(value);
    if (!read.success)
      return { success: false, issues: read.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] })) };
    records.push(read.record);
    for (const name of read.ignored) if (ignored.size < MAX_IGNORED_NAMES) ignored.add(name.slice(0, MAX_NAME_CHARS));
  }
  return { success: true, records, ignored: [...ignored].sort() };
}
