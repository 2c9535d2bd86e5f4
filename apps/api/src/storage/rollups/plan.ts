/**
 * Planning a window: which clean months, days and hours serve it from rollups, and which
 * ranges are left to the records (the edges, the current hour, periods changed since their
 * build or whose rows are of another format).
 */
import type { StatsFilter } from '@ollama-perf/core';
import type { Kysely } from 'kysely';
import type { Database, RollupGrain } from '../schema.js';
import { DAY_MS, GRAINS, periodEndOf, periodId } from './periods.js';

/** A time range to read records from; `undefined` ends are open. */
export type RawRange = readonly [from: number | undefined, to: number | undefined];

/** Where the figures of a window come from. */
export interface RollupPlan {
  /** Starts of the months served from month rollups. */
  months: number[];
  /** Starts of the days served from day rollups. */
  days: number[];
  /** Starts of the hours served from hour rollups. */
  hours: number[];
  /**
   * The `version` of each of `hours` (same order): a clean hour's rows change only with it
   * (./mark.ts), so the list fingerprints what those hours hold.
   */
  hourVersions: number[];
  /** The rest of the window, read from the records. */
  raw: RawRange[];
}

/** Rows of one grain to read: the start range to query (one indexed range scan) and the starts to keep. */
export interface PlannedRange {
  grain: RollupGrain;
  from: number;
  to: number;
  /** The starts to keep (all when absent). */
  only?: ReadonlySet<number> | undefined;
}

/** Whether a plan serves anything from rollups. */
export const servesRollups = (plan: RollupPlan): boolean =>
  plan.months.length > 0 || plan.days.length > 0 || plan.hours.length > 0;

/**
 * Which months, days and hours of the window `filter` names can be served from rollups, and
 * which ranges must be read from records. `longest`: the longest grain to use (`hour` for a
 * series by hour, `day` for one by day, `month` otherwise). Periods in `exclude` (ids) are
 * left to the records even when clean.
 */
export async function planWindow(
  db: Kysely<Database>,
  filter: StatsFilter,
  longest: RollupGrain,
  exclude: ReadonlySet<string> = new Set(),
): Promise<RollupPlan> {
  const grains = GRAINS.slice(0, GRAINS.indexOf(longest) + 1);
  const from = filter.from ?? Number.NEGATIVE_INFINITY;
  const to = filter.to ?? Number.POSITIVE_INFINITY;
  let query = db
    .selectFrom('rollup_periods')
    .select(['grain', 'start', 'version'])
    .where((eb) => eb('built_version', '=', eb.ref('version')));
  if (longest !== 'month') query = query.where('grain', 'in', grains);
  // A month that starts up to 31 days before `from` may still end inside the window: read it, drop it below.
  if (filter.from !== undefined) query = query.where('start', '>=', filter.from - 31 * DAY_MS);
  if (filter.to !== undefined) query = query.where('start', '<', filter.to);
  const clean = await query.orderBy('start').execute();

  // Longest periods first; a shorter one is used only where no longer one already covers it.
  const covered: Array<readonly [number, number]> = [];
  const chosen: Record<RollupGrain, number[]> = { hour: [], day: [], month: [] };
  const hourVersions: number[] = [];
  for (const grain of [...grains].reverse()) {
    // Periods of one grain never overlap: only the longer ones chosen before can cover one.
    const isCovered = coveredBy([...covered].sort((a, b) => a[0] - b[0]));
    for (const period of clean) {
      if (period.grain !== grain) continue;
      const start = Number(period.start);
      const end = periodEndOf(start, grain);
      if (start < from || end > to || isCovered(start) || exclude.has(periodId(grain, start))) continue;
      chosen[grain].push(start);
      if (grain === 'hour') hourVersions.push(Number(period.version));
      covered.push([start, end]);
    }
  }
  covered.sort((a, b) => a[0] - b[0]);
  const raw: RawRange[] = [];
  let cursor: number | undefined = filter.from;
  for (const [start, end] of covered) {
    if (cursor === undefined || cursor < start) raw.push([cursor, start]);
    cursor = end;
  }
  if (covered.length === 0 || cursor === undefined || filter.to === undefined || cursor < filter.to)
    raw.push([cursor, filter.to]);
  return { months: chosen.month, days: chosen.day, hours: chosen.hour, hourVersions, raw };
}

/**
 * Whether a time falls in one of `ranges` ([start, end), sorted, disjoint): a binary search,
 * since a month of hours checked one by one against each other cost more than the query.
 */
function coveredBy(ranges: ReadonlyArray<readonly [number, number]>): (start: number) => boolean {
  return (start) => {
    let low = 0;
    let high = ranges.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ranges[mid] as readonly [number, number])[0] <= start) low = mid + 1;
      else high = mid;
    }
    const range = ranges[low - 1];
    return range !== undefined && start < range[1];
  };
}

/** Per grain a plan uses, the rows to read. */
export function plannedRanges(plan: RollupPlan): PlannedRange[] {
  const chosen = [
    ['month', plan.months],
    ['day', plan.days],
    ['hour', plan.hours],
  ] as const;
  return chosen
    .filter(([, starts]) => starts.length > 0)
    .map(([grain, starts]) => ({
      grain,
      from: starts[0] as number,
      to: (starts[starts.length - 1] as number) + 1,
      only: new Set(starts),
    }));
}
