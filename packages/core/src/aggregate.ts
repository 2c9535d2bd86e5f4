/**
 * Mergeable figures of a group of records: what a rollup row holds. Counts and token sums
 * are exact, each stat field is a {@link LogSketch}. Two aggregates merge into the aggregate
 * of both groups, so an hour's, a day's and a month's figures are all sums of smaller ones,
 * and a Summary can be built from rollups instead of every record.
 */
import { type BucketBounds, CONCURRENCY_BUCKETS, PROMPT_TOKEN_BUCKETS } from './buckets.js';
import { statValueOf } from './group.js';
import { type ErrorType, errorTypeSchema, type RequestMetric } from './schema.js';
import { LogSketch } from './sketch.js';
import { type GroupSummary, STAT_FIELDS, type StatField } from './summary-schema.js';
import { timeBreakdownOf } from './time-breakdown.js';

/** Error types in a fixed order (index = position in the encoding). */
export const ERROR_TYPES: readonly ErrorType[] = errorTypeSchema.options;

/** Mergeable figures of one group of records. */
export class GroupAggregate {
  requests = 0;
  succeeded = 0;
  promptTokens = 0;
  generatedTokens = 0;
  coldStarts = 0;
  switches = 0;
  /** Failed requests per {@link ERROR_TYPES} index. */
  readonly errors: number[] = ERROR_TYPES.map(() => 0);
  /** One sketch per {@link STAT_FIELDS} entry, same order. */
  readonly sketches: LogSketch[] = STAT_FIELDS.map(() => new LogSketch());

  /** Adds one record. */
  add(record: RequestMetric): void {
    this.requests++;
    if (record.success) this.succeeded++;
    this.promptTokens += record.prompt_eval_count ?? 0;
    this.generatedTokens += record.eval_count ?? 0;
    if (record.cold_start === true) this.coldStarts++;
    if (record.switched_from !== null) this.switches++;
    if (record.error_type !== null) (this.errors[ERROR_TYPES.indexOf(record.error_type)] as number)++;
    STAT_FIELDS.forEach((field: StatField, i) => {
      const value = statValueOf(record, field);
      if (value !== null) (this.sketches[i] as LogSketch).add(value);
    });
  }

  /** Adds every record of `other`. */
  merge(other: GroupAggregate): void {
    this.mergeCounts(other);
    for (const [i, sketch] of other.sketches.entries()) (this.sketches[i] as LogSketch).merge(sketch);
  }

  private mergeCounts(other: GroupAggregate): void {
    this.requests += other.requests;
    this.succeeded += other.succeeded;
    this.promptTokens += other.promptTokens;
    this.generatedTokens += other.generatedTokens;
    this.coldStarts += other.coldStarts;
    this.switches += other.switches;
    for (const [i, count] of other.errors.entries()) this.errors[i] = (this.errors[i] as number) + count;
  }

  /** A copy: adding to it leaves this aggregate as it is. */
  clone(): GroupAggregate {
    const copy = new GroupAggregate();
    copy.mergeCounts(this);
    for (const [i, sketch] of this.sketches.entries()) copy.sketches[i] = sketch.clone();
    return copy;
  }

  /** The group's figures, shaped like an exact {@link GroupSummary}; percentiles within the sketch's accuracy. */
  summary(): GroupSummary {
    const stats = {} as Record<StatField, ReturnType<LogSketch['stat']>>;
    for (const [i, field] of STAT_FIELDS.entries()) stats[field] = (this.sketches[i] as LogSketch).stat();
    const errors: Partial<Record<ErrorType, number>> = {};
    // ERROR_TYPES is not alphabetical: sort like the exact summary does.
    for (const type of [...ERROR_TYPES].sort()) {
      const count = this.errors[ERROR_TYPES.indexOf(type)] as number;
      if (count > 0) errors[type] = count;
    }
    return {
      requests: this.requests,
      succeeded: this.succeeded,
      failed: this.requests - this.succeeded,
      success_rate: this.requests === 0 ? null : this.succeeded / this.requests,
      ...stats,
      prompt_tokens: this.promptTokens,
      generated_tokens: this.generatedTokens,
      cold_starts: this.coldStarts,
      switches: this.switches,
      errors_by_type: errors,
      time_breakdown: timeBreakdownOf(stats),
    };
  }
}

/** Index of the bucket of `bounds` holding `value`, or -1 (no value, or outside every bucket). */
export function bucketIndex(value: number | null, bounds: BucketBounds): number {
  if (value === null) return -1;
  return bounds.findIndex(([min, max]) => value >= min && (max === null || value <= max));
}

/**
 * What one rollup row holds: the aggregate of its records, and the same per concurrency
 * bucket and per prompt-size bucket (for `by_concurrency` and `by_prompt_tokens`).
 */
export class RollupAggregate {
  readonly all = new GroupAggregate();
  /** Per {@link CONCURRENCY_BUCKETS} entry; `null` while empty. */
  readonly byConcurrency: Array<GroupAggregate | null> = CONCURRENCY_BUCKETS.map(() => null);
  /** Per {@link PROMPT_TOKEN_BUCKETS} entry; `null` while empty. */
  readonly byPromptTokens: Array<GroupAggregate | null> = PROMPT_TOKEN_BUCKETS.map(() => null);

  /** Adds one record. */
  add(record: RequestMetric): void {
    this.all.add(record);
    addToBucket(this.byConcurrency, bucketIndex(record.concurrency, CONCURRENCY_BUCKETS), record);
    addToBucket(this.byPromptTokens, bucketIndex(record.prompt_eval_count, PROMPT_TOKEN_BUCKETS), record);
  }

  /** Adds every record of `other`. */
  merge(other: RollupAggregate): void {
    other.mergeAllInto(this.all);
    other.mergeConcurrencyInto(this.byConcurrency);
    other.mergePromptTokensInto(this.byPromptTokens);
  }

  /** Adds this aggregate's records to `group`. */
  mergeAllInto(group: GroupAggregate): void {
    group.merge(this.all);
  }

  /** Adds this aggregate's concurrency buckets to `buckets`. */
  mergeConcurrencyInto(buckets: Array<GroupAggregate | null>): void {
    mergeBuckets(buckets, this.byConcurrency);
  }

  /** Adds this aggregate's prompt-size buckets to `buckets`. */
  mergePromptTokensInto(buckets: Array<GroupAggregate | null>): void {
    mergeBuckets(buckets, this.byPromptTokens);
  }
}

/** Figures that merge into aggregates: a {@link RollupAggregate}, or a stored blob being read. */
export interface MergeableFigures {
  mergeAllInto(group: GroupAggregate): void;
  mergeConcurrencyInto(buckets: Array<GroupAggregate | null>): void;
  mergePromptTokensInto(buckets: Array<GroupAggregate | null>): void;
}

function addToBucket(buckets: Array<GroupAggregate | null>, index: number, record: RequestMetric): void {
  if (index === -1) return;
  const bucket = buckets[index] ?? new GroupAggregate();
  buckets[index] = bucket;
  bucket.add(record);
}

/** Merges each non-empty bucket of `from` into `into`. */
export function mergeBuckets(into: Array<GroupAggregate | null>, from: ReadonlyArray<GroupAggregate | null>): void {
  for (const [i, bucket] of from.entries()) {
    if (bucket === null) continue;
    const target = into[i] ?? new GroupAggregate();
    into[i] = target;
    target.merge(bucket);
  }
}
