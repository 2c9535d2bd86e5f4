/**
 * Which records a summary covers: a time window and optional model, operation, project.
 * Shared by the stats API, the CLI and the dashboard so that a filter means one thing.
 */
import { z } from 'zod';
import { NAME_MAX, NO_NUL, NUL_MESSAGE, type Operation, operationSchema, type RequestMetric } from './schema.js';

/** The `by_project` key, and project filter value, for records without a project. */
export const NO_PROJECT = '(none)';

/** Which records to summarize. `from` is inclusive, `to` exclusive (epoch ms). */
export interface StatsFilter {
  from?: number | undefined;
  to?: number | undefined;
  model?: string | undefined;
  operation?: Operation | undefined;
  /** A project name, or {@link NO_PROJECT} for records without one. */
  project?: string | undefined;
}

/** Whether a record falls inside a filter. */
export function matchesFilter(record: RequestMetric, filter: StatsFilter): boolean {
  if (filter.from !== undefined && record.ts < filter.from) return false;
  if (filter.to !== undefined && record.ts >= filter.to) return false;
  if (filter.model !== undefined && record.model !== filter.model) return false;
  if (filter.operation !== undefined && record.operation !== filter.operation) return false;
  if (filter.project !== undefined && (record.project ?? NO_PROJECT) !== filter.project) return false;
  return true;
}

const EPOCH_MS = /^\d{1,16}$/;
// ISO-8601 date or date-time; a time without an offset is read as UTC, like the rest of the API.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a time bound given as epoch milliseconds (`1732665600000`) or ISO-8601
 * (`2024-11-27`, `2024-11-27T10:00:00Z`, `2024-11-27T10:00:00+01:00`). Returns `null`
 * when the text is neither.
 */
export function parseTimeBound(text: string): number | null {
  const value = text.trim();
  if (EPOCH_MS.test(value)) return inDateRange(Number(value));
  if (!ISO_8601.test(value)) return null;
  const hasZone = /(?:z|[+-]\d{2}:?\d{2})$/i.test(value) && value.length > 10;
  const normalized = value.length === 10 || hasZone ? value : `${value}Z`;
  const ms = Date.parse(normalized.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return inDateRange(ms);
}

// The range a JavaScript Date can represent (±8.64e15 ms); beyond it no ISO form exists.
function inDateRange(ms: number): number | null {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : null;
}

const timeBound = z.string().transform((text, ctx) => {
  const ms = parseTimeBound(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO-8601 or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

// A model or project name as the records hold it.
const nameFilter = () => z.string().min(1).max(NAME_MAX).regex(NO_NUL, NUL_MESSAGE).optional();

/** The time series `series=` asks for: by UTC hour, or by UTC day (from day rollups). */
export const seriesSchema = z.enum(['hourly', 'daily']);
/** A value of {@link seriesSchema}. */
export type Series = z.infer<typeof seriesSchema>;

/** Whether `name` is a time zone this runtime knows (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const timeZoneName = z
  .string()
  .max(100)
  .refine(isTimeZone, { message: 'expected an IANA time zone, e.g. Europe/Berlin' });

const windowQuery = z.object({
  from: timeBound.optional(),
  to: timeBound.optional(),
  operation: operationSchema.optional(),
  // No record holds U+0000 (the record schema refuses it; PostgreSQL cannot even compare it).
  project: nameFilter(),
  model: nameFilter(),
});

const fromNotAfterTo = (q: { from?: number | undefined; to?: number | undefined }) =>
  q.from === undefined || q.to === undefined || q.from <= q.to;
const FROM_AFTER_TO = { message: '`from` must not be after `to`', path: ['from'] };

/**
 * zod schema for a filter given as query-string text (`?from=…&to=…&operation=…&project=…`),
 * with `series=hourly|daily` and `tz=<IANA zone>` (the zone of `by_hour_of_day`).
 * Rejects unknown operations, unreadable times, `from` after `to`, other series and unknown zones.
 */
export const statsQuerySchema = windowQuery
  .extend({ series: seriesSchema.optional(), tz: timeZoneName.optional() })
  .refine(fromNotAfterTo, FROM_AFTER_TO);

/**
 * zod schema of `GET /stats/compare`'s query: the current window `from`..`to` and the
 * baseline window `baseline_from`..`baseline_to` (all four required), optional model,
 * operation and project.
 */
export const compareQuerySchema = windowQuery
  .extend({ from: timeBound, to: timeBound, baseline_from: timeBound, baseline_to: timeBound })
  .refine(fromNotAfterTo, FROM_AFTER_TO)
  .refine((q) => q.baseline_from <= q.baseline_to, {
    message: '`baseline_from` must not be after `baseline_to`',
    path: ['baseline_from'],
  });
