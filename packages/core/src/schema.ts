/**
 * The one record ollama-perf keeps per inference request (see DESIGN.md, "The record").
 * The same snake_case names are used by the database, the JSONL log, /ingest and the exports.
 */
import { z } from 'zod';

/** What kind of inference a request was. */
export const operationSchema = z.enum(['generate', 'chat', 'embed']);
/** @see operationSchema */
export type Operation = z.infer<typeof operationSchema>;

/** Why a request failed, when it did. */
export const errorTypeSchema = z.enum([
  'upstream_unreachable',
  'upstream_timeout',
  'model_not_found',
  'bad_request',
  'upstream_busy',
  'upstream_error',
  'stream_error',
  'client_aborted',
  // A 404 that is not a missing model: a route this Ollama does not have (`404 page not found`).
  'not_found',
]);
/** @see errorTypeSchema */
export type ErrorType = z.infer<typeof errorTypeSchema>;

/** Longest `error_message` kept; longer ones are cut (they never hold prompt text). */
export const ERROR_MESSAGE_MAX = 500;
/** Longest model name, project or endpoint accepted. */
export const NAME_MAX = 512;

// PostgreSQL text cannot hold U+0000 (and C tools stop at it): a record carrying one could be
// stored on SQLite but would fail — with its whole batch — on PostgreSQL, so it is refused.
/** Matches text without U+0000. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it refuses
export const NO_NUL = /^[^\u0000]*$/;
/** What a refusal of U+0000 says. */
export const NUL_MESSAGE = 'must not contain U+0000';
const text = () => z.string().regex(NO_NUL, NUL_MESSAGE);

const nonNegative = z.number().finite().nonnegative();
const nullableMs = nonNegative.nullable();
const nullableCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable();

/**
 * zod schema of one {@link RequestMetric}, exactly as this version writes it (strict: every
 * field, no other key). To read records from outside — any version, a newer producer's extra
 * fields — use `readRequestMetric()` (read-record.ts), which names what it ignores.
 */
export const requestMetricSchema = z.strictObject({
  id: text().min(1).max(128),
  ts: z.number().int().nonnegative().max(8.64e15),
  model: text().min(1).max(NAME_MAX),
  operation: operationSchema,
  endpoint: text().min(1).max(NAME_MAX),
  project: text().min(1).max(NAME_MAX).nullable(),
  stream: z.boolean(),
  status: z.number().int().min(0).max(999),
  success: z.boolean(),
  error_type: errorTypeSchema.nullable(),
  error_message: text().max(ERROR_MESSAGE_MAX).nullable(),
  latency_ms: nonNegative,
  ttft_ms: nullableMs,
  total_duration_ms: nullableMs,
  load_duration_ms: nullableMs,
  prompt_eval_duration_ms: nullableMs,
  eval_duration_ms: nullableMs,
  prompt_eval_count: nullableCount,
  eval_count: nullableCount,
  tokens_per_second: nullableMs,
  prompt_tokens_per_second: nullableMs,
  cold_start: z.boolean().nullable(),
  done_reason: text().max(64).nullable(),
  concurrency: z.number().int().positive().max(1_000_000).nullable(),
  switched_from: text().min(1).max(NAME_MAX).nullable(),
  output_chunks: nullableCount,
  decode_ms: nullableMs,
});

/** One inference request as ollama-perf records it. Times in milliseconds, `ts` in epoch ms. */
export type RequestMetric = z.infer<typeof requestMetricSchema>;

/** Every column of a {@link RequestMetric}, in schema order (for tables, CSV headers, SQL). */
export const REQUEST_METRIC_FIELDS = Object.keys(requestMetricSchema.shape) as Array<keyof RequestMetric>;
