/**
 * The Summary JSON from records: the figures of a group, and their breakdown by model,
 * operation and project. This is the reference every storage backend must agree with.
 */
import { byConcurrency, byPromptTokens } from './buckets.js';
import { matchesFilter, NO_PROJECT, type StatsFilter } from './filter.js';
import { GroupAccumulator, groupBy } from './group.js';
import { byHourOfDay } from './hour-of-day.js';
import type { RequestMetric } from './schema.js';
import type { GroupSummary, Summary } from './summary-schema.js';

function summariesByKey(records: RequestMetric[], keyOf: (r: RequestMetric) => string): Record<string, GroupSummary> {
  return sortedSummaries(groupBy(records, keyOf));
}

/** The summary of each group, keys sorted (the order every breakdown of the Summary JSON has). */
export function sortedSummaries(
  groups: ReadonlyMap<string, { summary(): GroupSummary }>,
): Record<string, GroupSummary> {
  const out: Record<string, GroupSummary> = {};
  for (const key of [...groups.keys()].sort()) out[key] = (groups.get(key) as { summary(): GroupSummary }).summary();
  return out;
}

/** How a summary is presented (not which records it covers). */
export interface SummaryOptions {
  /** IANA time zone of `by_hour_of_day` (default UTC). */
  tz?: string | undefined;
}

/**
 * The Summary JSON of DESIGN.md for the records that match `filter`: totals, stats,
 * and the same figures `by_model`, `by_operation` and `by_project` (`"(none)"` for
 * records without a project), by concurrency, prompt size and hour of day. Keys of every
 * breakdown are sorted.
 *
 * @example
 * summarize(records, { from: Date.parse('2024-11-01'), project: 'alpha' }).tokens_per_second.p50
 */
export function summarize(
  records: Iterable<RequestMetric>,
  filter: StatsFilter = {},
  options: SummaryOptions = {},
): Summary {
  const selected: RequestMetric[] = [];
  const all = new GroupAccumulator();
  for (const record of records) {
    if (!matchesFilter(record, filter)) continue;
    selected.push(record);
    all.add(record);
  }
  return {
    from: isoOrNull(filter.from),
    to: isoOrNull(filter.to),
    ...all.summary(),
    by_model: summariesByKey(selected, (r) => r.model),
    by_operation: summariesByKey(selected, (r) => r.operation),
    by_project: summariesByKey(selected, (r) => r.project ?? NO_PROJECT),
    by_concurrency: byConcurrency(selected),
    by_prompt_tokens: byPromptTokens(selected),
    by_hour_of_day: byHourOfDay(selected, options.tz),
  };
}

/** Epoch ms → ISO-8601 UTC, `undefined` → `null`. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
