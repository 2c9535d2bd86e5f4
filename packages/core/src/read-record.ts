/**
 * Reading a record that came from outside (/ingest, an import, a spool line) whatever
 * version of ollama-perf wrote it: fields added after the first release may be missing
 * (they read as null), fields this version does not know are dropped and named, and every
 * value is still checked against the schema's bounds.
 */
import type { z } from 'zod';
import { FIELDS_SINCE } from './record-version.js';
import { REQUEST_METRIC_FIELDS, type RequestMetric, requestMetricSchema } from './schema.js';
import { schemaPredicate } from './schema-predicate.js';

/** One zod issue, as refusals report them. */
export type RecordIssue = z.core.$ZodIssue;

/** What {@link readRequestMetric} made of a value. */
export type RecordReading =
  | {
      success: true;
      /** The record, with missing later fields set to null and unknown fields left out. */
      record: RequestMetric;
      /** Keys of the value that are not fields of this version's record (empty for most). */
      ignored: string[];
    }
  | { success: false; issues: RecordIssue[] };

const isCurrentRecord = schemaPredicate(requestMetricSchema);
const KNOWN = new Set<string>(REQUEST_METRIC_FIELDS);
const LATER_FIELDS = Object.keys(FIELDS_SINCE) as Array<keyof RequestMetric>;

/**
 * Reads one record written by any version of ollama-perf (or by a producer of its own).
 * A record of this version passes a compiled check and comes back as it is; anything else
 * is rebuilt from the known fields and checked by zod, which names what is wrong.
 *
 * @example
 * const read = readRequestMetric(JSON.parse(line));
 * if (read.success) store(read.record); else reject(read.issues[0]?.path);
 */
export function readRequestMetric(value: unknown): RecordReading {
  if (isCurrentRecord(value)) return { success: true, record: value as RequestMetric, ignored: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refusal(value);
  const given = value as Record<string, unknown>;
  const candidate: Record<string, unknown> = {};
  for (const field of REQUEST_METRIC_FIELDS) if (Object.hasOwn(given, field)) candidate[field] = given[field];
  for (const field of LATER_FIELDS) if (!Object.hasOwn(given, field)) candidate[field] = null;
  const parsed = requestMetricSchema.safeParse(candidate);
  if (!parsed.success) return { success: false, issues: parsed.error.issues };
  return { success: true, record: parsed.data, ignored: Object.keys(given).filter((key) => !KNOWN.has(key)) };
}

function refusal(value: unknown): RecordReading {
  const parsed = requestMetricSchema.safeParse(value);
  return { success: false, issues: parsed.error?.issues ?? [] };
}
