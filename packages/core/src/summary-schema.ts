/**
 * zod schemas of the Summary JSON (`GET /stats`, `GET /stats/:model`), so that the server
 * that writes it and every client that reads it validate one shape (DESIGN.md, "Summary JSON").
 * Objects are not strict: fields may be added, none renamed.
 */
import { z } from 'zod';
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
] as const;
/** One of {@link STAT_FIELDS}. */
export type StatField = (typeof STAT_FIELDS)[number];

const statShape = Object.fromEntries(STAT_FIELDS.map((field) => [field, statSchema])) as Record<
  StatField,
  typeof statSchema
>;

/**
 * Where a request's time went, as mean milliseconds per request over the records that carry
 * Ollama's timings (`total_duration_ms` present, counted in `timed_requests`): model load,
 * prompt evaluation, generation, and `other_ms` = total − the three (queueing, sampling,
 * Ollama's own work). All nulls when `timed_requests` is 0.
 */
export const timeBreakdownSchema = z.object({
  timed_requests: z.number().int().nonnegative(),
  load_ms: nullableNumber,
  prompt_eval_ms: nullableNumber,
  generation_ms: nullableNumber,
  other_ms: nullableNumber,
});

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
  time_breakdown: timeBreakdownSchema,
});

/** One bucket of a numeric breakdown: records whose value lies in `min`..`max` (`max` null: no upper bound). */
export const bucketSummarySchema = groupSummarySchema.extend({
  bucket: z.string(),
  min: z.number().int().nonnegative(),
  max: z.number().int().nonnegative().nullable(),
});

/** One bucket of `by_prompt_tokens`: records whose prompt had `min`..`max` tokens. */
export const promptTokenBucketSchema = bucketSummarySchema;

/** One hour of the day in `by_hour_of_day`: the records that arrived in that hour, any day. */
export const hourOfDaySchema = groupSummarySchema.extend({
  /** 0..23, in UTC or in the zone `tz` names. */
  hour: z.number().int().min(0).max(23),
});

/** One hour of the `hourly` series (UTC). */
export const hourlyPointSchema = groupSummarySchema.extend({
  /** Start of the hour, ISO-8601 UTC. */
  hour: z.string(),
  /** Start of the hour, epoch ms. */
  start: z.number().int(),
});

/** One UTC day of the `daily` series. */
export const dailyPointSchema = groupSummarySchema.extend({
  /** The day, `YYYY-MM-DD` (UTC). */
  day: z.string(),
  /** Start of the day, epoch ms. */
  start: z.number().int(),
});

/** One period (hour or day) of one model in `series_by_model`: the figures a per-model chart line needs. */
export const modelSeriesPointSchema = z.object({
  /** Start of the period, epoch ms. */
  start: z.number().int(),
  requests: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  tokens_per_second_p50: nullableNumber,
  /** Null until records carry stream timing (`observed_tokens_per_second`). */
  observed_tokens_per_second_p50: nullableNumber,
  latency_ms_p50: nullableNumber,
  latency_ms_p95: nullableNumber,
});

/**
 * `GET /stats`: the whole window, and broken down by model, operation, project, concurrency,
 * prompt size and hour of day; with `series=hourly|daily` also a time series over all models
 * and one per model (only periods with requests: a missing period is a gap).
 */
export const summarySchema = groupSummarySchema.extend({
  from: z.string().nullable(),
  to: z.string().nullable(),
  by_model: z.record(z.string(), groupSummarySchema),
  by_operation: z.record(z.string(), groupSummarySchema),
  by_project: z.record(z.string(), groupSummarySchema),
  /** Requests by how many were in flight when they arrived (1, 2, 3–4, 5–8, 9+): the cost of load. */
  by_concurrency: z.array(bucketSummarySchema),
  /** Requests by prompt size: how speed changes as prompts grow. */
  by_prompt_tokens: z.array(promptTokenBucketSchema),
  /** 24 entries, hour 0 to 23: peak hours. */
  by_hour_of_day: z.array(hourOfDaySchema),
  /** With `series=hourly`. */
  hourly: z.array(hourlyPointSchema).optional(),
  /** With `series=daily`. */
  daily: z.array(dailyPointSchema).optional(),
  /** With `series=hourly|daily`: per model, the points of the periods it has requests in. */
  series_by_model: z.record(z.string(), z.array(modelSeriesPointSchema)).optional(),
});

/** `GET /stats/:model`: the summary of one model plus its hourly series. */
export const modelSummarySchema = summarySchema.extend({
  model: z.string(),
  hourly: z.array(hourlyPointSchema),
});

/** The figures `GET /stats/compare` compares. */
export const COMPARE_FIGURES = [
  'tokens_per_second_p50',
  'observed_tokens_per_second_p50',
  'prompt_tokens_per_second_p50',
  'ttft_ms_p50',
  'latency_ms_p50',
  'latency_ms_p95',
  'cold_load_ms_p50',
  'error_rate',
] as const;
/** One of {@link COMPARE_FIGURES}. */
export type CompareFigure = (typeof COMPARE_FIGURES)[number];

/** One figure of one model in both windows. */
export const figureComparisonSchema = z.object({
  current: nullableNumber,
  baseline: nullableNumber,
  /** (current − baseline) / baseline; null when either is null or the baseline is 0. */
  change: nullableNumber,
  /** Whether the change is larger than the two windows' noise (see `method`). */
  beyond_noise: z.boolean(),
  /** Beyond noise and in the bad direction (slower, later, more errors). */
  worse: z.boolean(),
});

/** One model in `GET /stats/compare`. */
export const modelComparisonSchema = z.object({
  /** Requests in each window. */
  requests: z.object({ current: z.number().int().nonnegative(), baseline: z.number().int().nonnegative() }),
  figures: z.object(
    Object.fromEntries(COMPARE_FIGURES.map((figure) => [figure, figureComparisonSchema])) as Record<
      CompareFigure,
      typeof figureComparisonSchema
    >,
  ),
  /** Whether any figure is worse. */
  regressed: z.boolean(),
});

/** `GET /stats/compare`: per model, the key figures of a window against a baseline window. */
export const comparisonSchema = z.object({
  from: z.string(),
  to: z.string(),
  baseline_from: z.string(),
  baseline_to: z.string(),
  /** How `beyond_noise` is decided, in words. */
  method: z.string(),
  models: z.record(z.string(), modelComparisonSchema),
});

/** @see statSchema */
export type StatJson = z.infer<typeof statSchema>;
/** @see groupSummarySchema */
export type GroupSummary = z.infer<typeof groupSummarySchema>;
/** @see summarySchema */
export type Summary = z.infer<typeof summarySchema>;
/** @see hourlyPointSchema */
export type HourlyPoint = z.infer<typeof hourlyPointSchema>;
/** @see dailyPointSchema */
export type DailyPoint = z.infer<typeof dailyPointSchema>;
/** @see hourOfDaySchema */
export type HourOfDay = z.infer<typeof hourOfDaySchema>;
/** @see modelSeriesPointSchema */
export type ModelSeriesPoint = z.infer<typeof modelSeriesPointSchema>;
/** @see timeBreakdownSchema */
export type TimeBreakdown = z.infer<typeof timeBreakdownSchema>;
/** @see figureComparisonSchema */
export type FigureComparison = z.infer<typeof figureComparisonSchema>;
/** @see modelComparisonSchema */
export type ModelComparison = z.infer<typeof modelComparisonSchema>;
/** @see comparisonSchema */
export type Comparison = z.infer<typeof comparisonSchema>;
/** @see bucketSummarySchema */
export type BucketSummary = z.infer<typeof bucketSummarySchema>;
/** @see promptTokenBucketSchema */
export type PromptTokenBucket = z.infer<typeof promptTokenBucketSchema>;
/** @see modelSummarySchema */
export type ModelSummary = z.infer<typeof modelSummarySchema>;
