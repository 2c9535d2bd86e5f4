/**
 * Rollup periods: the UTC hours, days and months rollups are kept for — where each starts
 * and ends, and the id of its row in `rollup_periods`.
 */
import { HOUR_MS } from '@ollama-perf/core';
import type { RollupGrain } from '../schema.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Every grain, finest first (the order periods are built in). */
export const GRAINS: readonly RollupGrain[] = ['hour', 'day', 'month'];

/** Each longer period is built from the periods one grain finer. */
export const FINER: Record<'day' | 'month', RollupGrain> = { day: 'hour', month: 'day' };

/** A row of `rollup_periods`: a period's `version` grows with each change, `built_version` is the one its rollups hold. */
export interface PeriodRow {
  id: string;
  grain: RollupGrain;
  start: number;
  version: number;
  built_version: number;
}

/**
 * The id of a period's row in `rollup_periods`.
 *
 * @example
 * periodId('day', Date.UTC(2026, 0, 2)) // 'day:1767312000000'
 */
export const periodId = (grain: RollupGrain, start: number): string => `${grain}:${start}`;

/** Start of the UTC hour, day or month holding `ts`. */
export function periodStartOf(ts: number, grain: RollupGrain): number {
  if (grain === 'hour') return Math.floor(ts / HOUR_MS) * HOUR_MS;
  if (grain === 'day') return Math.floor(ts / DAY_MS) * DAY_MS;
  const date = new Date(ts);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** End (exclusive) of the period starting at `start`. */
export function periodEndOf(start: number, grain: RollupGrain): number {
  if (grain === 'hour') return start + HOUR_MS;
  if (grain === 'day') return start + DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
