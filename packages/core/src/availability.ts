/**
 * Ollama's availability from the gateway's polls of `/api/ps`: stored as runs of consecutive
 * polls with the same outcome (a run's start is an up/down transition), summarized here for a
 * window as the share of polls answered and the outages overlapping it. Pure: the caller passes
 * the runs and the clock.
 */
import { z } from 'zod';

/**
 * Consecutive polls with the same outcome, as stored: the first poll at `start`, the last at
 * `last`, `polls` in all. Polls come at the gateway's interval, so they are evenly spaced
 * within a run (a gap longer than that starts a new run).
 */
export interface AvailabilityRun {
  /** Unique per run (its start, as text). */
  id: string;
  /** First poll of the run, epoch ms. */
  start: number;
  /** Last poll of the run so far, epoch ms. */
  last: number;
  /** Whether Ollama answered these polls. */
  up: boolean;
  polls: number;
  /** Why the first poll of a down run failed. */
  error: string | null;
}

/** One outage: from the first failed poll to the first answered one (`end` null: not over yet). */
export const outageSchema = z.object({
  start: z.number().int(),
  end: z.number().int().nullable(),
  /** `end − start`, or up to now while it lasts, ms. */
  duration_ms: z.number().nonnegative(),
  /** Why the first failed poll failed. */
  error: z.string().nullable(),
});

/** `availability` in the Summary: how often Ollama answered the gateway's polls in the window. */
export const availabilitySchema = z.object({
  polls: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  /** answered / polls; null when nothing polled in the window. */
  share: z.number().min(0).max(1).nullable(),
  /** Outages overlapping the window, oldest first. */
  outages: z.array(outageSchema),
});

/** @see outageSchema */
export type Outage = z.infer<typeof outageSchema>;
/** @see availabilitySchema */
export type Availability = z.infer<typeof availabilitySchema>;

/** The polls of `run` that fall in `[from, to)`, taking them as evenly spaced from `start` to `last`. */
export function pollsInWindow(run: AvailabilityRun, from = -Infinity, to = Infinity): number {
  if (run.polls <= 1) return run.start >= from && run.start < to ? run.polls : 0;
  const step = (run.last - run.start) / (run.polls - 1);
  if (step <= 0) return run.start >= from && run.start < to ? run.polls : 0;
  const first = Math.max(0, Math.ceil((from - run.start) / step));
  const last = Math.min(run.polls - 1, Math.ceil((to - run.start) / step) - 1);
  return Math.max(0, last - first + 1);
}

/** The outages `runs` (oldest first) describe: each a stretch of down runs up to the next up run. */
export function outagesOf(runs: readonly AvailabilityRun[], now: number): Outage[] {
  const outages: Outage[] = [];
  let open: { start: number; error: string | null } | null = null;
  for (const run of runs) {
    if (!run.up) open ??= { start: run.start, error: run.error };
    else if (open !== null) {
      outages.push({ ...open, end: run.start, duration_ms: run.start - open.start });
      open = null;
    }
  }
  if (open !== null) outages.push({ ...open, end: null, duration_ms: Math.max(0, now - open.start) });
  return outages;
}

/**
 * The availability over `[from, to)` (open ends: all time). `runs` must hold every run that
 * ends at or after `from`, oldest first (later ones too: they tell when an outage ended).
 *
 * @example
 * availabilityOf(await store.availabilityRuns(from), { from, to }, now).share // 0.98
 */
export function availabilityOf(
  runs: readonly AvailabilityRun[],
  window: { from?: number | undefined; to?: number | undefined },
  now: number,
): Availability {
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  let polls = 0;
  let answered = 0;
  for (const run of runs) {
    const n = pollsInWindow(run, from, to);
    polls += n;
    if (run.up) answered += n;
  }
  const outages = outagesOf(runs, now).filter((o) => o.start < to && (o.end === null || o.end > from));
  return { polls, answered, share: polls === 0 ? null : answered / polls, outages };
}
