/**
 * zod schemas of the Summary JSON (`GET /stats`, `GET /stats/:model`), so that the server
 * that writes it and every client that reads it validate one shape (DESIGN.md, "Summary JSON").
 * Objects are not strict: fields may be added, none renamed.
 */
import { z } from 'zod';
import { availabilitySchema } from './availability.js';
import { errorTypeSchema } from './schema.js';

const nullableNumber = z.number().nullable();

/** A stat object: `{count, avg, min, max, p50, p95, p99}`, nulls when `count` is 0. */
export const statSchema = z.object({
  count: z.number().int().nonnegative(),
  avg: nullableNumber,
  min: nullableNumber,
  max: nullableNumber,
  p50: nullableNumber,
  p95: nullableNumber,
  p99: nullableNumber,
});

/** The measures summarized as a stat object in every group. */
export const STAT_FIELDS = [
  'latency_ms',
  'ttft_ms',
  'total_duration_ms',
  'load_duration_ms',
  'prompt_eval_duration_ms',
  'eval_duration_ms',
  'tokens_per_second',
  'prompt_tokens_per_second',
  'cold_load_ms',
  'switch_load_ms',
  'warm_load_ms',
  // The data path's own view of a stream's pace: (output_chunks − 1) / decode_ms per request,
  // and the mean gap between content chunks (the only speed figures of /v1 traffic).
  'observed_tokens_per_second',
  'itl_ms',
] as const;
/** One of {@link STAT_FIELDS}. */
export type StatField = (typeof STAT_FIELDS)[number];

/** Stat fields added after the first release: an older server's answer lacks them, read as empty. */
const LATER_STAT_FIELDS: ReadonlySet<StatField> = new Set(['observed_tokens_per_second', 'itl_ms']);
const EMPTY_STAT_JSON = { count: 0, avg: null, min: null, max: null, p50: null, p95: null, p99: null };

const statShape = Object.fromEntries(
  STAT_FIELDS.map((field) => [
    field,
    LATER_STAT_FIELDS.has(field) ? statSchema.default(() => ({ ...EMPTY_STAT_JSON })) : statSchema,
  ]),
) as Record<StatField, typeof statSchema>;

/** The figures of one group of records (all, one model, one operation, one project, one hour…). */
export const groupSummarySchema = z.object({
  requests: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  success_rate: nullableNumber,
  ...statShape,
  prompt_tokens: z.number().int().nonnegative(),
  generated_tokens: z.number().int().nonnegative(),
  cold_starts: z.number().int().nonnegative(),
  /** Cold loads that followed a different model (model switching). */
  switches: z.number().int().nonnegative(),
  errors_by_type: z.partialRecord(errorTypeSchema, z.number().int().positive()),
});

/** One bucket of a numeric breakdown: records whose value lies in `min`..`max` (`max` null: no upper bound). */
export const bucketSummarySchema = groupSummarySchema.extend({
  bucket: z.string(),
  min: z.number().int().nonnegative(),
  max: z.number().int().nonnegative().nullable(),
});

/** `GET /stats`: the whole window, and broken down by model, operation, project and concurrency. */
export const summarySchema = groupSummarySchema.extend({
  from: z.string().nullable(),
  to: z.string().nullable(),
  by_model: z.record(z.string(), groupSummarySchema),
  by_operation: z.record(z.string(), groupSummarySchema),
  by_project: z.record(z.string(), groupSummarySchema),
  /** Requests by how many were in flight when they arrived (1, 2, 3–4, 5–8, 9+): the cost of load. */
  by_concurrency: z.array(bucketSummarySchema),
  /** How often Ollama answered the gateway's polls in the window (added by the gateway's store, not by summarize()). */
  availability: availabilitySchema.optional(),
});

/** One hour of the `hourly` series (UTC). */
export const hourlyPointSchema = groupSummarySchema.extend({
  /** Start of the hour, ISO-8601 UTC. */
  hour: z.string(),
  /** Start of the hour, epoch ms. */
  start: z.number().int(),
});

/** One bucket of `by_prompt_tokens`: records whose prompt had `min`..`max` tokens. */
export const promptTokenBucketSchema = bucketSummarySchema;

/** `GET /stats/:model`: the summary of one model plus its series. */
export const modelSummarySchema = summarySchema.extend({
  model: z.string(),
  hourly: z.array(hourlyPointSchema),
  by_prompt_tokens: z.array(promptTokenBucketSchema),
});

/** @see statSchema */
export type StatJson = z.infer<typeof statSchema>;
/** @see groupSummarySchema */
export type GroupSummary = z.infer<typeof groupSummarySchema>;
/** @see summarySchema */
export type Summary = z.infer<typeof summarySchema>;
/** @see hourlyPointSchema */
export type HourlyPoint = z.infer<typeof hourlyPointSchema>;
/** @see bucketSummarySchema */
export type BucketSummary = z.infer<typeof bucketSummarySchema>;
/** @see promptTokenBucketSchema */
export type PromptTokenBucket = z.infer<typeof promptTokenBucketSchema>;
/** @see modelSummarySchema */
export type ModelSummary = z.infer<typeof modelSummarySchema>;
