/**
 * The figures of one group of records (all of them, one model, one hour, one bucket…):
 * counts, token sums, errors by type and a stat object per measure. Every breakdown is
 * computed by the same {@link GroupAccumulator}, so they always agree.
 */
import { type Stat, statOf } from './percentile.js';
import type { RequestMetric } from './schema.js';
import { type GroupSummary, STAT_FIELDS, type StatField } from './summary-schema.js';
import { timeBreakdownOf } from './time-breakdown.js';

/** The value a record contributes to each stat field (null: it contributes nothing). */
export function statValueOf(record: RequestMetric, field: StatField): number | null {
  switch (field) {
    case 'cold_load_ms':
      return record.cold_start === true && record.switched_from === null ? record.load_duration_ms : null;
    case 'switch_load_ms':
      return record.cold_start === true && record.switched_from !== null ? record.load_duration_ms : null;
    case 'warm_load_ms':
      return record.cold_start === false ? record.load_duration_ms : null;
    default:
      return record[field];
  }
}

/**
 * Collects records of one group, then turns them into a {@link GroupSummary}.
 * Used for every breakdown (model, operation, project, hour, prompt size) so each
 * group is computed the same way.
 */
export class GroupAccumulator {
  private readonly members: RequestMetric[] = [];

  /** Adds one record to the group. */
  add(record: RequestMetric): void {
    this.members.push(record);
  }

  /** The records added so far. */
  records(): readonly RequestMetric[] {
    return this.members;
  }

  /** The figures of the records added so far. */
  summary(): GroupSummary {
    const records = this.members;
    let succeeded = 0;
    let promptTokens = 0;
    let generatedTokens = 0;
    let coldStarts = 0;
    let switches = 0;
    const errors: Partial<Record<NonNullable<RequestMetric['error_type']>, number>> = {};
    for (const r of records) {
      if (r.success) succeeded++;
      promptTokens += r.prompt_eval_count ?? 0;
      generatedTokens += r.eval_count ?? 0;
      if (r.cold_start === true) coldStarts++;
      if (r.switched_from !== null) switches++;
      if (r.error_type !== null) errors[r.error_type] = (errors[r.error_type] ?? 0) + 1;
    }
    const stats = {} as Record<StatField, Stat>;
    for (const field of STAT_FIELDS) stats[field] = statOf(records.map((r) => statValueOf(r, field)));
    const requests = records.length;
    return {
      requests,
      succeeded,
      failed: requests - succeeded,
      success_rate: requests === 0 ? null : succeeded / requests,
      ...stats,
      prompt_tokens: promptTokens,
      generated_tokens: generatedTokens,
      cold_starts: coldStarts,
      switches,
      errors_by_type: sortKeys(errors),
      time_breakdown: timeBreakdownOf(stats),
    };
  }
}

/** Groups records by a key, each group with its own {@link GroupAccumulator}. */
export function groupBy(
  records: Iterable<RequestMetric>,
  keyOf: (r: RequestMetric) => string,
): Map<string, GroupAccumulator> {
  const groups = new Map<string, GroupAccumulator>();
  for (const record of records) {
    const key = keyOf(record);
    let group = groups.get(key);
    if (group === undefined) {
      group = new GroupAccumulator();
      groups.set(key, group);
    }
    group.add(record);
  }
  return groups;
}

function sortKeys<T>(object: Partial<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(object).sort()) out[key] = object[key] as T;
  return out;
}
