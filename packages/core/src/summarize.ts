/**
 * The Summary JSON from records: the figures of a group, and their breakdown by model,
 * operation and project. This is the reference every storage backend must agree with.
 */
import { byConcurrency } from './buckets.js';
import { matchesFilter, NO_PROJECT, type StatsFilter } from './filter.js';
import { GroupAccumulator, groupBy } from './group.js';
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

/**
 * The Summary JSON of DESIGN.md for the records that match `filter`: totals, stats,
 * and the same figures `by_model`, `by_operation` and `by_project` (`"(none)"` for
 * records without a project). Keys of every breakdown are sorted.
 *
 * @example
 * summarize(records, { from: Date.parse('2024-11-01'), project: 'alpha' }).tokens_per_second.p50
 */
export function summarize(records: Iterable<RequestMetric>, filter: StatsFilter = {}): Summary {
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
  };
}

/** Epoch ms → ISO-8601 UTC, `undefined` → `null`. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
