/**
 * The residency sampler: polls Ollama's `/api/ps` and stores what changed. The Node
 * gateway runs it on an interval and right after a cold start; on Workers a cron
 * trigger runs one sample. Every poll's outcome counts towards Ollama's availability (see
 * ./availability-tracker.ts); a failed poll stores no residency (an unreachable Ollama says
 * nothing about what is loaded).
 */
import type { GatewayStore } from '../storage/gateway-store.js';
import { type AvailabilityChange, AvailabilityTracker } from './availability-tracker.js';
import {
  applyResidency,
  diffResidency,
  type PsModel,
  psResponseSchema,
  type ResidencyEvent,
  type ResidencyState,
} from './residency.js';

/** Options of {@link ResidencySampler}. */
export interface ResidencySamplerOptions {
  store: GatewayStore;
  ollamaUrl: string;
  fetch?: typeof fetch | undefined;
  now?: () => number;
  /** How often the caller samples, ms (Workers: the cron's minute). Default 60000. */
  intervalMs?: number | undefined;
  /** Told about a failed write (an unanswered poll is an outage, told to `onAvailability`). */
  onError?: (error: unknown) => void;
  /** Told when Ollama stops answering polls and when it answers again. */
  onAvailability?: ((change: AvailabilityChange) => void) | undefined;
}

/** Samples `/api/ps` and records loads and unloads. */
export class ResidencySampler {
  private state: ResidencyState | null = null;
  private running: Promise<ResidencyEvent[] | null> | null = null;
  /** When the last successful sample was taken (epoch ms), if any. */
  lastSampleAt: number | null = null;

  private readonly availability: AvailabilityTracker;

  constructor(private readonly options: ResidencySamplerOptions) {
    this.availability = new AvailabilityTracker({
      store: options.store,
      intervalMs: options.intervalMs ?? 60_000,
      onChange: options.onAvailability,
    });
  }

  /** Takes one sample (concurrent calls share it); resolves with the events stored, or `null` when it failed. */
  sample(): Promise<ResidencyEvent[] | null> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async take(): Promise<ResidencyEvent[] | null> {
    const now = this.options.now ?? Date.now;
    const ts = now();
    let ps: PsModel[];
    try {
      ps = await this.poll();
    } catch (error) {
      await this.count(ts, false, error instanceof Error ? error.message : String(error));
      return null;
    }
    await this.count(ts, true, null);
    try {
      const { store } = this.options;
      // The last stored state survives restarts (and is all a Worker has).
      this.state ??= applyResidency(new Map(), await store.residencyEvents());
      const events = diffResidency(this.state, ps, ts);
      if (events.length > 0) await store.insertResidency(events);
      applyResidency(this.state, events);
      this.lastSampleAt = ts;
      return events;
    } catch (error) {
      this.options.onError?.(error);
      return null;
    }
  }

  /** Reads `/api/ps`; throws when Ollama does not answer it properly. */
  private async poll(): Promise<PsModel[]> {
    const doFetch = this.options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    const res = await doFetch(new URL('/api/ps', this.options.ollamaUrl), { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`Ollama answered /api/ps with ${res.status}`);
    return psResponseSchema.parse(await res.json()).models ?? [];
  }

  private async count(ts: number, up: boolean, error: string | null): Promise<void> {
    try {
      await this.availability.observe(ts, up, error);
    } catch (failure) {
      this.options.onError?.(failure);
    }
  }
}
