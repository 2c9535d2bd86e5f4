/**
 * The storage schema: one table, `request_metrics`, with core's record fields as columns
 * (same snake_case names, no mapping layer), on SQLite, D1 and PostgreSQL.
 */
import type { ErrorType, Operation } from '@ollama-perf/core';
import type { ColumnType } from 'kysely';

// SQLite and D1 have no boolean type: they hand back 0/1. PostgreSQL hands back booleans.
type Bool = ColumnType<boolean | number, boolean | number, boolean | number>;
type NullableBool = ColumnType<boolean | number | null, boolean | number | null, boolean | number | null>;
// pg returns BIGINT as a string unless told otherwise; the store parses it.
type BigIntColumn = ColumnType<number | string, number, number>;

/** The `request_metrics` table: one row per inference request. */
export interface RequestMetricTable {
  id: string;
  ts: BigIntColumn;
  model: string;
  operation: Operation;
  endpoint: string;
  project: string | null;
  stream: Bool;
  status: number;
  success: Bool;
  error_type: ErrorType | null;
  error_message: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  total_duration_ms: number | null;
  load_duration_ms: number | null;
  prompt_eval_duration_ms: number | null;
  eval_duration_ms: number | null;
  prompt_eval_count: number | null;
  eval_count: number | null;
  tokens_per_second: number | null;
  prompt_tokens_per_second: number | null;
  cold_start: NullableBool;
  done_reason: string | null;
  concurrency: number | null;
  switched_from: string | null;
  // pg returns BIGINT as a string; the store parses it.
  output_chunks: number | string | null;
  decode_ms: number | null;
}

/** The `model_residency` table: one row each time a model was seen loaded or unloaded in `/api/ps`. */
export interface ModelResidencyTable {
  id: string;
  ts: BigIntColumn;
  model: string;
  event: 'loaded' | 'unloaded';
  size: BigIntColumn | null;
  size_vram: BigIntColumn | null;
  context_length: number | null;
}

/**
 * The `ollama_availability` table: runs of consecutive `/api/ps` polls with the same outcome.
 * A run's start is an up/down transition; each poll updates `last` and `polls` of the current run.
 */
export interface OllamaAvailabilityTable {
  id: string;
  start: BigIntColumn;
  last: BigIntColumn;
  up: Bool;
  polls: BigIntColumn;
  error: string | null;
}

/** How long a rollup row's period is. */
export type RollupGrain = 'hour' | 'day' | 'month';

/**
 * The `metric_rollups` table: the figures of one model × operation × project over one hour,
 * day or month (UTC), as a blob of core's rollup codec (`encodeRollup`). A cache of `request_metrics`:
 * rebuilt from it whenever that period changes, never written on its own.
 */
export interface MetricRollupTable {
  /**
   * A {@link RollupGrain}; or `hour_model` / `hour_all` for the rows of hourly series, and
   * `<grain>_metrics` for the Prometheus families of a period (see ./rollups/).
   */
  grain: RollupGrain | 'hour_model' | 'hour_all' | `${RollupGrain}_metrics`;
  start: BigIntColumn;
  model: string;
  operation: Operation;
  project: string | null;
  // SQLite/PostgreSQL hand back a Buffer, D1 an array of bytes or an ArrayBuffer.
  data: ColumnType<Uint8Array | ArrayBuffer | number[], Uint8Array, Uint8Array>;
  /** Figures computed once, when the row was built, as JSON: a series row's summary, a metrics row's families. */
  json: string | null;
}

/**
 * The `rollup_periods` table: for each hour, day and month that holds records, how often records
 * were added to it (`version`) and which version its rollup rows were built from. A period
 * is served from rollups only while the two are equal.
 */
export interface RollupPeriodTable {
  /** `<grain>:<start>`, e.g. `day:1795737600000`. */
  id: string;
  grain: RollupGrain;
  start: BigIntColumn;
  version: BigIntColumn;
  built_version: BigIntColumn;
}

/** The database as Kysely sees it. */
export interface Database {
  request_metrics: RequestMetricTable;
  model_residency: ModelResidencyTable;
  metric_rollups: MetricRollupTable;
  rollup_periods: RollupPeriodTable;
  ollama_availability: OllamaAvailabilityTable;
}

/** A column's logical type: what every backend must agree on. */
export type LogicalType = 'text' | 'integer' | 'real' | 'boolean' | 'blob';

/**
 * The columns every backend must have, in order, with their logical types and nullability.
 * The migrations build exactly this; `storage-schema` tests check each backend against it.
 */
export const REQUEST_METRIC_COLUMNS: ReadonlyArray<{
  name: keyof RequestMetricTable;
  type: LogicalType;
  nullable: boolean;
}> = [
  { name: 'id', type: 'text', nullable: false },
  { name: 'ts', type: 'integer', nullable: false },
  { name: 'model', type: 'text', nullable: false },
  { name: 'operation', type: 'text', nullable: false },
  { name: 'endpoint', type: 'text', nullable: false },
  { name: 'project', type: 'text', nullable: true },
  { name: 'stream', type: 'boolean', nullable: false },
  { name: 'status', type: 'integer', nullable: false },
  { name: 'success', type: 'boolean', nullable: false },
  { name: 'error_type', type: 'text', nullable: true },
  { name: 'error_message', type: 'text', nullable: true },
  { name: 'latency_ms', type: 'real', nullable: false },
  { name: 'ttft_ms', type: 'real', nullable: true },
  { name: 'total_duration_ms', type: 'real', nullable: true },
  { name: 'load_duration_ms', type: 'real', nullable: true },
  { name: 'prompt_eval_duration_ms', type: 'real', nullable: true },
  { name: 'eval_duration_ms', type: 'real', nullable: true },
  { name: 'prompt_eval_count', type: 'integer', nullable: true },
  { name: 'eval_count', type: 'integer', nullable: true },
  { name: 'tokens_per_second', type: 'real', nullable: true },
  { name: 'prompt_tokens_per_second', type: 'real', nullable: true },
  { name: 'cold_start', type: 'boolean', nullable: true },
  { name: 'done_reason', type: 'text', nullable: true },
  { name: 'concurrency', type: 'integer', nullable: true },
  { name: 'switched_from', type: 'text', nullable: true },
  // Added by migration 0004 (record version 3).
  { name: 'output_chunks', type: 'integer', nullable: true },
  { name: 'decode_ms', type: 'real', nullable: true },
];

/** The columns of `model_residency`, as every backend must have them. */
export const MODEL_RESIDENCY_COLUMNS: ReadonlyArray<{
  name: keyof ModelResidencyTable;
  type: LogicalType;
  nullable: boolean;
}> = [
  { name: 'id', type: 'text', nullable: false },
  { name: 'ts', type: 'integer', nullable: false },
  { name: 'model', type: 'text', nullable: false },
  { name: 'event', type: 'text', nullable: false },
  { name: 'size', type: 'integer', nullable: true },
  { name: 'size_vram', type: 'integer', nullable: true },
  { name: 'context_length', type: 'integer', nullable: true },
];

/** The columns of `metric_rollups`. */
export const METRIC_ROLLUP_COLUMNS: ReadonlyArray<{
  name: keyof MetricRollupTable;
  type: LogicalType;
  nullable: boolean;
}> = [
  { name: 'grain', type: 'text', nullable: false },
  { name: 'start', type: 'integer', nullable: false },
  { name: 'model', type: 'text', nullable: false },
  { name: 'operation', type: 'text', nullable: false },
  { name: 'project', type: 'text', nullable: true },
  { name: 'data', type: 'blob', nullable: false },
  { name: 'json', type: 'text', nullable: true },
];

/** The columns of `rollup_periods`. */
export const ROLLUP_PERIOD_COLUMNS: ReadonlyArray<{
  name: keyof RollupPeriodTable;
  type: LogicalType;
  nullable: boolean;
}> = [
  { name: 'id', type: 'text', nullable: false },
  { name: 'grain', type: 'text', nullable: false },
  { name: 'start', type: 'integer', nullable: false },
  { name: 'version', type: 'integer', nullable: false },
  { name: 'built_version', type: 'integer', nullable: false },
];

/** Indexes serving the stats queries: time windows, alone or per model / project / operation. */
export const REQUEST_METRIC_INDEXES: ReadonlyArray<{ name: string; columns: Array<keyof RequestMetricTable> }> = [
  { name: 'request_metrics_ts', columns: ['ts'] },
  { name: 'request_metrics_model_ts', columns: ['model', 'ts'] },
  { name: 'request_metrics_project_ts', columns: ['project', 'ts'] },
  { name: 'request_metrics_operation_ts', columns: ['operation', 'ts'] },
];
