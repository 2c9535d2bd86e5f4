/**
 * The Summary JSON from rollups: parts — the aggregate of one model × operation × project
 * over one period (an hour or a day) — merged into the same shape {@link summarize} gives
 * from records. Counts, token sums, averages and extremes come out exact; percentiles
 * within {@link SKETCH_RELATIVE_ACCURACY}.
 */
import { GroupAggregate, mergeBuckets, RollupAggregate } from './aggregate.js';
import { bucketSummaries, CONCURRENCY_BUCKETS, PROMPT_TOKEN_BUCKETS } from './buckets.js';
import { NO_PROJECT, type StatsFilter } from './filter.js';
import type { Operation, RequestMetric } from './schema.js';
import { hourlySeries, hourStartOf } from './series.js';
import { isoOrNull, sortedSummaries } from './summarize.js';
import type { GroupSummary, HourlyPoint, ModelSummary, Summary } from './summary-schema.js';

/** The aggregate of one model × operation × project over one period. */
export interface RollupPart {
  /** Start of the period, epoch ms (an hour's start for the hourly series). */
  start: number;
  model: string;
  operation: Operation;
  project: string | null;
  aggregate: RollupAggregate;
}

/**
 * Records as parts: one per period × model × operation × project (hours by default).
 *
 * @example
 * summaryOfParts(partsOfRecords(records)) // ≈ summarize(records), percentiles within 0.9%
 */
export function partsOfRecords(records: Iterable<RequestMetric>, periodStartOf: (ts: number) => number = hourStartOf): RollupPart[] {
  const parts = new Map<string, RollupPart>();
  for (const record of records) {
    const start = periodStartOf(record.ts);
    // JSON of the key fields: unambiguous whatever characters a name holds.
    const key = JSON.stringify([start, record.model, record.operation, record.project]);
    let part = parts.get(key);
    if (part === undefined) {
      part = { start, model: record.model, operation: record.operation, project: record.project, aggregate: new RollupAggregate() };
      parts.set(key, part);
    }
    part.aggregate.add(record);
  }
  return [...parts.values()];
}

function mergeInto(groups: Map<string, GroupAggregate>, key: string, from: GroupAggregate): void {
  let group = groups.get(key);
  if (group === undefined) groups.set(key, (group = new GroupAggregate()));
  group.merge(from);
}

const emptySummary = (): GroupSummary => new GroupAggregate().summary();

/**
 * The Summary JSON of the parts (already chosen for `filter`'s window, model, operation and
 * project; `filter` only fills `from` and `to`).
 */
export function summaryOfParts(parts: Iterable<RollupPart>, filter: StatsFilter = {}): Summary {
  const all = new GroupAggregate();
  const byModel = new Map<string, GroupAggregate>();
  const byOperation = new Map<string, GroupAggregate>();
  const byProject = new Map<string, GroupAggregate>();
  const byConcurrency: Array<GroupAggregate | null> = CONCURRENCY_BUCKETS.map(() => null);
  for (const part of parts) {
    const group = part.aggregate.all;
    all.merge(group);
    mergeInto(byModel, part.model, group);
    mergeInto(byOperation, part.operation, group);
    mergeInto(byProject, part.project ?? NO_PROJECT, group);
    mergeBuckets(byConcurrency, part.aggregate.byConcurrency);
  }
  return {
    from: isoOrNull(filter.from),
    to: isoOrNull(filter.to),
    ...all.summary(),
    by_model: sortedSummaries(byModel),
    by_operation: sortedSummaries(byOperation),
    by_project: sortedSummaries(byProject),
    by_concurrency: bucketSummaries(CONCURRENCY_BUCKETS, (i) => byConcurrency[i]?.summary() ?? emptySummary()),
  };
}

/** The hourly series of hour parts. */
export function hourlyOfParts(parts: Iterable<RollupPart>): HourlyPoint[] {
  const byHour = new Map<number, GroupAggregate>();
  for (const part of parts) {
    let hour = byHour.get(part.start);
    if (hour === undefined) byHour.set(part.start, (hour = new GroupAggregate()));
    hour.merge(part.aggregate.all);
  }
  return hourlySeries(byHour, emptySummary());
}

/** `GET /stats/:model` from one model's hour parts. */
export function modelSummaryOfParts(parts: RollupPart[], model: string, filter: StatsFilter = {}): ModelSummary {
  const byPromptTokens: Array<GroupAggregate | null> = PROMPT_TOKEN_BUCKETS.map(() => null);
  for (const part of parts) mergeBuckets(byPromptTokens, part.aggregate.byPromptTokens);
  return {
    ...summaryOfParts(parts, filter),
    model,
    hourly: hourlyOfParts(parts),
    by_prompt_tokens: bucketSummaries(PROMPT_TOKEN_BUCKETS, (i) => byPromptTokens[i]?.summary() ?? emptySummary()),
  };
}
