/**
 * The Summary JSON from rollups: parts — the figures of one model × operation × project
 * over one period (an hour or a day), in memory or as a stored blob — merged into the same
 * shape {@link summarize} gives from records. Counts, token sums, averages and extremes come
 * out exact; percentiles within {@link SKETCH_RELATIVE_ACCURACY}.
 */
import { GroupAggregate, type MergeableFigures, RollupAggregate } from './aggregate.js';
import { bucketSummaries, CONCURRENCY_BUCKETS, PROMPT_TOKEN_BUCKETS } from './buckets.js';
import { NO_PROJECT, type StatsFilter } from './filter.js';
import { hourOfDayEntries, hourOfDayIn } from './hour-of-day.js';
import { joinJsonObjects, jsonObjectOf } from './json-text.js';
import { RollupBlobReader } from './rollup-codec.js';
import type { Operation, RequestMetric } from './schema.js';
import { hourStartOf, seriesHours } from './series.js';
import { isoOrNull, type SummaryOptions, sortedSummaries } from './summarize.js';
import type { GroupSummary, Summary } from './summary-schema.js';

/** The figures of one model × operation × project over one period. */
export interface RollupPart {
  /** Start of the period, epoch ms (an hour's start for the hourly series). */
  start: number;
  model: string;
  operation: Operation;
  project: string | null;
  /** In memory, or the blob of a stored rollup row (read when merged). */
  figures: RollupAggregate | Uint8Array;
}

/** A part whose figures are in memory (made from records, or merged from stored parts). */
export type BuiltPart = RollupPart & { figures: RollupAggregate };

/**
 * Records as parts: one per period × model × operation × project (hours by default).
 *
 * @example
 * summaryOfParts(partsOfRecords(records)) // ≈ summarize(records), percentiles within 0.9%
 */
export function partsOfRecords(
  records: Iterable<RequestMetric>,
  periodStartOf: (ts: number) => number = hourStartOf,
): BuiltPart[] {
  const parts = new Map<string, BuiltPart>();
  for (const record of records) {
    const start = periodStartOf(record.ts);
    // U+0000 separates: no record holds it (the schema refuses it). Not JSON.stringify, which
    // cost more than adding the record to its part.
    const key = `${start}\u0000${record.model}\u0000${record.operation}\u0000${record.project === null ? '' : `=${record.project}`}`;
    let part = parts.get(key);
    if (part === undefined) {
      part = {
        start,
        model: record.model,
        operation: record.operation,
        project: record.project,
        figures: new RollupAggregate(),
      };
      parts.set(key, part);
    }
    part.figures.add(record);
  }
  return [...parts.values()];
}

const emptySummary = (): GroupSummary => new GroupAggregate().summary();

function groupOf<K>(groups: Map<K, GroupAggregate>, key: K): GroupAggregate {
  let group = groups.get(key);
  if (group === undefined) {
    group = new GroupAggregate();
    groups.set(key, group);
  }
  return group;
}

/** Parts of one UTC hour each (their `start` is the hour's): what `by_hour_of_day` is merged from. */
export type HourFigures = Pick<RollupPart, 'start' | 'figures'>;

/** What a summary from parts is built from besides the parts themselves. */
export interface PartsSummaryOptions extends SummaryOptions {
  /**
   * Hour parts of the same window for `by_hour_of_day` (default: the parts themselves, right
   * when they are all hour parts, as {@link partsOfRecords} makes by default).
   */
  hourParts?: Iterable<HourFigures> | undefined;
  /**
   * `by_hour_of_day` already merged from hour parts that come before `hourParts` (from
   * {@link hourOfDayAggregates}, with the same `tz`): copied, never changed, so it can be cached.
   */
  hourOfDayBase?: HourOfDayAggregates | undefined;
}

/** The figures of each hour of the day (index 0–23), `null` where no part fell. */
export type HourOfDayAggregates = ReadonlyArray<GroupAggregate | null>;

/** Merges hour parts, in order, into the groups of their hours of the day. */
function mergeHoursOfDay(
  into: Array<GroupAggregate | null>,
  hourParts: Iterable<HourFigures>,
  tz: string | undefined,
  reader: RollupBlobReader,
): void {
  const hourOf = hourOfDayIn(tz);
  for (const part of hourParts) {
    const figures: MergeableFigures =
      part.figures instanceof Uint8Array ? reader.load(part.figures, { all: true }) : part.figures;
    const hour = hourOf(part.start);
    const group = into[hour] ?? new GroupAggregate();
    into[hour] = group;
    figures.mergeAllInto(group);
  }
}

/**
 * Hour parts merged into the figures of each hour of the day (`tz`, UTC by default): a
 * `by_hour_of_day` to pass on as {@link PartsSummaryOptions.hourOfDayBase}. Merging it first
 * and then the parts that follow gives, to the digit, what merging all the parts in that
 * order gives.
 *
 * @example
 * const base = hourOfDayAggregates(closedHours, 'Europe/Paris');
 * summaryOfParts(parts, filter, { tz: 'Europe/Paris', hourOfDayBase: base, hourParts: openHours });
 */
export function hourOfDayAggregates(hourParts: Iterable<HourFigures>, tz?: string): HourOfDayAggregates {
  const groups: Array<GroupAggregate | null> = Array.from({ length: 24 }, () => null);
  mergeHoursOfDay(groups, hourParts, tz, new RollupBlobReader());
  return groups;
}

/** Merges parts, each read once, into every breakdown. */
class PartsMerger {
  readonly all = new GroupAggregate();
  readonly byModel = new Map<string, GroupAggregate>();
  readonly byOperation = new Map<string, GroupAggregate>();
  readonly byProject = new Map<string, GroupAggregate>();
  readonly byConcurrency: Array<GroupAggregate | null> = CONCURRENCY_BUCKETS.map(() => null);
  readonly byPromptTokens: Array<GroupAggregate | null> = PROMPT_TOKEN_BUCKETS.map(() => null);
  readonly byHourOfDay: Array<GroupAggregate | null> = Array.from({ length: 24 }, () => null);
  private readonly reader = new RollupBlobReader();

  constructor(parts: Iterable<RollupPart>, options: PartsSummaryOptions) {
    const list = options.hourParts === undefined ? [...parts] : parts;
    for (const part of list) this.add(part);
    // Copies: adding to the base itself would change it for everyone holding it.
    for (const [hour, group] of (options.hourOfDayBase ?? []).entries())
      this.byHourOfDay[hour] = group?.clone() ?? null;
    mergeHoursOfDay(this.byHourOfDay, options.hourParts ?? (list as RollupPart[]), options.tz, this.reader);
  }

  private add(part: RollupPart): void {
    const figures: MergeableFigures =
      part.figures instanceof Uint8Array
        ? this.reader.load(part.figures, { all: true, concurrency: true, promptTokens: true })
        : part.figures;
    figures.mergeAllInto(this.all);
    figures.mergeAllInto(groupOf(this.byModel, part.model));
    figures.mergeAllInto(groupOf(this.byOperation, part.operation));
    figures.mergeAllInto(groupOf(this.byProject, part.project ?? NO_PROJECT));
    figures.mergeConcurrencyInto(this.byConcurrency);
    figures.mergePromptTokensInto(this.byPromptTokens);
  }

  summary(filter: StatsFilter): Summary {
    return {
      from: isoOrNull(filter.from),
      to: isoOrNull(filter.to),
      ...this.all.summary(),
      by_model: sortedSummaries(this.byModel),
      by_operation: sortedSummaries(this.byOperation),
      by_project: sortedSummaries(this.byProject),
      by_concurrency: bucketSummaries(CONCURRENCY_BUCKETS, (i) => this.byConcurrency[i]?.summary() ?? emptySummary()),
      by_prompt_tokens: bucketSummaries(
        PROMPT_TOKEN_BUCKETS,
        (i) => this.byPromptTokens[i]?.summary() ?? emptySummary(),
      ),
      by_hour_of_day: hourOfDayEntries((hour) => this.byHourOfDay[hour]?.summary() ?? emptySummary()),
    };
  }
}

/**
 * The Summary JSON of the parts (already chosen for `filter`'s window, model, operation and
 * project; `filter` only fills `from` and `to`).
 */
export function summaryOfParts(
  parts: Iterable<RollupPart>,
  filter: StatsFilter = {},
  options: PartsSummaryOptions = {},
): Summary {
  return new PartsMerger(parts, options).summary(filter);
}

/**
 * A part of an hourly series: figures to merge into their hour, or the summary of a whole
 * hour as the JSON text stored when its rollup was built (an hour has one or the other,
 * never both).
 */
export type HourPart = Pick<RollupPart, 'start' | 'figures'> | { start: number; summaryJson: string };

/**
 * The hourly series of hour parts, as JSON text (the `hourly` array of `GET /stats/:model`).
 * Stored hour summaries go in as they are: at a month of hours, parsing and serializing them
 * again cost more than everything else the route does.
 */
export function hourlyJsonOfParts(hourParts: Iterable<HourPart>): string {
  const reader = new RollupBlobReader();
  const stored = new Map<number, string>();
  const merged = new Map<number, GroupAggregate>();
  const both = (start: number) =>
    new Error(`hour ${new Date(start).toISOString()} has a stored summary and other parts`);
  for (const part of hourParts) {
    if ('summaryJson' in part) {
      if (stored.has(part.start) || merged.has(part.start)) throw both(part.start);
      stored.set(part.start, part.summaryJson);
      continue;
    }
    if (stored.has(part.start)) throw both(part.start);
    const figures: MergeableFigures =
      part.figures instanceof Uint8Array ? reader.load(part.figures, { all: true }) : part.figures;
    figures.mergeAllInto(groupOf(merged, part.start));
  }
  const emptyJson = JSON.stringify(emptySummary());
  const points = seriesHours([...stored.keys(), ...merged.keys()]).map((start) => {
    const summary = stored.get(start) ?? merged.get(start)?.summary();
    const summaryJson =
      typeof summary === 'string' ? summary : summary !== undefined ? JSON.stringify(summary) : emptyJson;
    return joinJsonObjects(JSON.stringify({ hour: new Date(start).toISOString(), start }), summaryJson);
  });
  return `[${points.join(',')}]`;
}

/**
 * `GET /stats/:model` as JSON text, from one model's parts (any periods) and its hour parts
 * (for the hourly series; the two may hold the same hours).
 */
export function modelSummaryJsonOfParts(
  parts: Iterable<RollupPart>,
  hourParts: Iterable<HourPart>,
  model: string,
  filter: StatsFilter = {},
  options: PartsSummaryOptions = {},
): string {
  return joinJsonObjects(
    JSON.stringify({ ...summaryOfParts(parts, filter, options), model }),
    jsonObjectOf({ hourly: hourlyJsonOfParts(hourParts) }),
  );
}

/** Parts merged by period (`periodStartOf` of each part's start): over all models, and per model. */
export interface PartsByPeriod {
  all: Map<number, GroupAggregate>;
  byModel: Map<string, Map<number, GroupAggregate>>;
}

/**
 * Merges parts into their periods, over all models and per model: the `daily` series and
 * `series_by_model` from rollups.
 */
export function partsByPeriod(
  parts: Iterable<Pick<RollupPart, 'start' | 'model' | 'figures'>>,
  periodStartOf: (ts: number) => number,
): PartsByPeriod {
  const reader = new RollupBlobReader();
  const all = new Map<number, GroupAggregate>();
  const byModel = new Map<string, Map<number, GroupAggregate>>();
  for (const part of parts) {
    const figures: MergeableFigures =
      part.figures instanceof Uint8Array ? reader.load(part.figures, { all: true }) : part.figures;
    const start = periodStartOf(part.start);
    figures.mergeAllInto(groupOf(all, start));
    let periods = byModel.get(part.model);
    if (periods === undefined) {
      periods = new Map();
      byModel.set(part.model, periods);
    }
    figures.mergeAllInto(groupOf(periods, start));
  }
  return { all, byModel };
}

/** The figures of each model over all the parts (any periods): what `GET /stats/compare` compares. */
export function aggregatesByModel(parts: Iterable<RollupPart>): Map<string, GroupAggregate> {
  const { byModel } = partsByPeriod(parts, () => 0);
  return new Map([...byModel].map(([model, periods]) => [model, periods.get(0) as GroupAggregate]));
}
