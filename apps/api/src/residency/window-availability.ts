/** Ollama's availability over a stats window, as `/stats` and `ollama-perf report` show it. */
import { type Availability, availabilityOf, type StatsFilter } from '@ollama-perf/core';
import type { GatewayStore } from '../storage/gateway-store.js';

/**
 * The share of polls answered in the window and the outages overlapping it; `null` when this
 * database holds no poll at all (imported records only, or polling off), so that "never polled"
 * is not shown as "polled, no answer". Reads the runs that end inside the window or later (later
 * ones tell when an outage in the window ended).
 */
export async function windowAvailability(
  store: Pick<GatewayStore, 'availabilityRuns' | 'lastAvailabilityRun'>,
  filter: Pick<StatsFilter, 'from' | 'to'>,
  now: number,
): Promise<Availability | null> {
  const runs = await store.availabilityRuns(filter.from);
  if (runs.length === 0 && (await store.lastAvailabilityRun()) === null) return null;
  return availabilityOf(runs, filter, now);
}
