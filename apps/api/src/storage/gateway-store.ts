/**
 * What the gateway's routes and residency sampler ask of storage. A {@link MetricStore}
 * answers it in-process (Workers, tests, the CLI); on Node the gateway hands it the storage
 * thread's client instead, so no statistics query or insert ever runs on the thread that
 * proxies. Every answer is plain data (structured-clone safe) for that reason.
 */
import type { Comparison, RequestMetric, Series, StatsFilter, Summary } from '@ollama-perf/core';
import type { MetricsState } from '../metrics/state.js';
import type { ResidencyEvent } from '../residency/residency.js';

/** Outcome of an insert: records received, newly stored, and ignored as already stored (same id). */
export interface InsertResult {
  received: number;
  inserted: number;
  duplicates: number;
}

/** Storage as the gateway's routes see it. */
/** How a summary is presented: the zone of `by_hour_of_day`, and the time series to add. */
export interface SummaryRequest {
  /** IANA time zone of `by_hour_of_day` (default UTC). */
  tz?: string | undefined;
  /** `hourly` or `daily`: adds that series over all models and `series_by_model`. */
  series?: Series | undefined;
}

/** `GET /stats/compare`: the current window `from`..`to` against `baseline_from`..`baseline_to`. */
export type CompareRequest = StatsFilter & { from: number; to: number; baseline_from: number; baseline_to: number };

export interface GatewayStore {
  /** Which database answers (`sqlite`, `postgres`, `d1`), for /healthz. */
  readonly backend: { readonly name: string };
  /** Stores records, all or none; known ids are skipped. */
  insert(records: RequestMetric[]): Promise<InsertResult>;
  /** `GET /stats`. */
  summary(filter?: StatsFilter, options?: SummaryRequest): Promise<Summary>;
  /** `GET /stats` (with `series=hourly|daily` when asked), as JSON text. */
  summaryJson(filter?: StatsFilter, options?: SummaryRequest): Promise<string>;
  /** `GET /stats/:model`, as JSON text; `null` when the model has no records. */
  modelSummaryJson(model: string, filter?: StatsFilter, options?: SummaryRequest): Promise<string | null>;
  /** `GET /stats/compare`. */
  compare(request: CompareRequest): Promise<Comparison>;
  /** The Prometheus families over every record, as their plain state. */
  metricsState(): Promise<MetricsState>;
  /** Residency changes, oldest first, before `before` (exclusive) when given. */
  residencyEvents(before?: number): Promise<ResidencyEvent[]>;
  /** Stores residency changes. */
  insertResidency(events: ResidencyEvent[]): Promise<void>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

/**
 * Storage has more work queued than it takes on: `/ingest` answers 503 with `Retry-After`
 * instead of letting the queue, and the memory behind it, grow.
 */
export class StorageBusyError extends Error {
  constructor(
    message: string,
    /** Seconds after which a retry is likely to be taken. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'StorageBusyError';
  }
}
