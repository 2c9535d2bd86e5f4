/**
 * @ollama-perf/core — the record schema, Ollama response parsing, stream readers and
 * statistics of ollama-perf. Pure: no I/O, no clock, no runtime-specific globals.
 * What rollup storage builds on (sketches, rollup blobs, JSON splicing) is in `./rollup.ts`,
 * published as `@ollama-perf/core/rollup`.
 */

export {
  type Availability,
  type AvailabilityRun,
  availabilityOf,
  availabilitySchema,
  type Outage,
  outageSchema,
  outagesOf,
  pollsInWindow,
} from './availability.js';
export {
  type BucketBounds,
  byConcurrency,
  byPromptTokens,
  CONCURRENCY_BUCKETS,
  PROMPT_TOKEN_BUCKETS,
} from './buckets.js';
export { COMPARE_METHOD, MIN_COMPARE_CHANGE, MIN_COMPARE_SAMPLES } from './compare.js';
// Building a record from what a capture saw: route, status, error body, model.
export { errorMessageOf, errorTypeForStatus, truncateMessage } from './error-type.js';
// Summaries of records: the answers of /stats and /stats/:model.
// The stats API's shapes: Summary JSON schemas and query strings.
export {
  compareQuerySchema,
  isTimeZone,
  matchesFilter,
  NO_PROJECT,
  parseTimeBound,
  type Series,
  type StatsFilter,
  seriesSchema,
  statsQuerySchema,
} from './filter.js';
export { interTokenLatencyMs, observedTokensPerSecond, statValueOf } from './group.js';
// by_hour_of_day: the hour of the day of an instant, in UTC or an IANA zone.
export { byHourOfDay, hourOfDayEntries, hourOfDayIn } from './hour-of-day.js';
// Reading response bodies: NDJSON and SSE streams in any chunking, and what they say.
export { MAX_LINE_CHARS } from './line-splitter.js';
// Ollama's own timings: nanoseconds to milliseconds, rates, cold starts.
export {
  DEFAULT_COLD_START_MS,
  EMPTY_TIMINGS,
  nanosToMs,
  type OllamaTimings,
  type RawOllamaCounters,
  ratePerSecond,
  type TimingsOptions,
  timingsFromOllama,
} from './ollama-timings.js';
export { canonicalEndpoint, operationForPath } from './operation.js';
// Statistics: R-7 percentiles and stat objects.
export { ascending, EMPTY_STAT, percentile, type Stat, statOf, statOfSorted } from './percentile.js';
// Records from outside, of any version: missing later fields read as null, unknown ones are named.
export { type RecordIssue, type RecordReading, readRequestMetric } from './read-record.js';
export { FIELDS_SINCE, RECORD_SCHEMA_VERSION } from './record-version.js';
export { buildRequestMetric, type RequestObservation, UNKNOWN_MODEL } from './request-metric.js';
export { contentOfText, ResponseObserver, type StreamTiming } from './response-observer.js';
// The record: one per inference request, field for field as DESIGN.md.
export {
  ERROR_MESSAGE_MAX,
  type ErrorType,
  errorTypeSchema,
  NAME_MAX,
  type Operation,
  operationSchema,
  REQUEST_METRIC_FIELDS,
  type RequestMetric,
  requestMetricSchema,
} from './schema.js';
export {
  DAY_MS,
  daily,
  dailySeries,
  dayStartOf,
  HOUR_MS,
  hourly,
  hourStartOf,
  modelSeriesPoint,
  seriesByModel,
  seriesByModelOf,
} from './series.js';
export {
  createJsonBodyReader,
  createNdjsonReader,
  createSseReader,
  type StreamItem,
  type StreamReader,
  type StreamReaderOptions,
  streamFormatOf,
} from './stream-readers.js';
export { type SummaryOptions, summarize } from './summarize.js';
export {
  type BucketSummary,
  bucketSummarySchema,
  COMPARE_FIGURES,
  type CompareFigure,
  type Comparison,
  comparisonSchema,
  type DailyPoint,
  dailyPointSchema,
  type FigureComparison,
  figureComparisonSchema,
  type GroupSummary,
  groupSummarySchema,
  type HourlyPoint,
  type HourOfDay,
  hourlyPointSchema,
  hourOfDaySchema,
  type ModelComparison,
  type ModelSeriesPoint,
  type ModelSummary,
  modelComparisonSchema,
  modelSeriesPointSchema,
  modelSummarySchema,
  type PromptTokenBucket,
  promptTokenBucketSchema,
  STAT_FIELDS,
  type StatField,
  type StatJson,
  type Summary,
  statSchema,
  summarySchema,
  type TimeBreakdown,
  timeBreakdownSchema,
} from './summary-schema.js';
export { type TimingStats, timeBreakdownOf } from './time-breakdown.js';
