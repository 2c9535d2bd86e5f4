/**
 * Ollama's availability as the poller sees it: each `/api/ps` poll's outcome extends the current
 * run of polls with the same outcome, or starts a new run (an up/down transition, or a gap longer
 * than the poll interval allows: the gateway was not polling). The run is stored after every poll,
 * so `/stats` counts polls answered exactly and the outages survive restarts; a transition is
 * told to `onChange` (the gateway logs one line when an outage starts and one when it ends).
 */
import type { AvailabilityRun } from '@ollama-perf/core';
import type { GatewayStore } from '../storage/gateway-store.js';

/** An up/down transition. */
export type AvailabilityChange =
  | { up: false; ts: number; error: string }
  | {
      up: true;
      ts: number;
      /** How long the outage lasted (first failed to first answered poll), ms. */
      downMs: number;
    };

/** Options of {@link AvailabilityTracker}. */
export interface AvailabilityTrackerOptions {
  store: Pick<GatewayStore, 'saveAvailabilityRun' | 'lastAvailabilityRun'>;
  /** How often polls come, ms: a longer silence (×2.5) starts a new run. */
  intervalMs: number;
  /** Told about each transition. */
  onChange?: ((change: AvailabilityChange) => void) | undefined;
}

/** Keeps the current run of polls and stores it after each poll. */
export class AvailabilityTracker {
  private run: AvailabilityRun | null = null;
  private loaded = false;
  /** First failed poll of the outage under way, if one is. */
  private downSince: number | null = null;

  constructor(private readonly options: AvailabilityTrackerOptions) {}

  /** Counts one poll's outcome; rejects only when the run could not be stored (it is kept and stored next time). */
  async observe(ts: number, up: boolean, error: string | null): Promise<void> {
    if (!this.loaded) {
      // After a restart (and on every Worker cron run) the stored run says where things stood.
      this.run = await this.options.store.lastAvailabilityRun();
      this.loaded = true;
      if (this.run !== null && !this.run.up) this.downSince = this.run.start;
    }
    const previous = this.run;
    const maxGap = this.options.intervalMs * 2.5;
    this.run =
      previous !== null && previous.up === up && ts - previous.last <= maxGap
        ? { ...previous, last: Math.max(previous.last, ts), polls: previous.polls + 1 }
        : { id: String(ts), start: ts, last: ts, up, polls: 1, error: up ? null : error };
    if (!up && this.downSince === null) {
      this.downSince = ts;
      this.options.onChange?.({ up: false, ts, error: error ?? 'no answer' });
    } else if (up && this.downSince !== null) {
      this.options.onChange?.({ up: true, ts, downMs: ts - this.downSince });
      this.downSince = null;
    }
    await this.options.store.saveAvailabilityRun(this.run);
  }
}

/**
 * The log line of a transition.
 *
 * @example
 * describeAvailabilityChange({ up: true, ts, downMs: 12_300 }, url) // 'Ollama at … answers again: outage over after 12.3 s'
 */
export function describeAvailabilityChange(change: AvailabilityChange, ollamaUrl: string): string {
  return change.up
    ? `Ollama at ${ollamaUrl} answers again: outage over after ${(change.downMs / 1000).toFixed(1)} s`
    : `Ollama at ${ollamaUrl} does not answer (${change.error}): outage started`;
}
