/**
 * The residency sampler: polls Ollama's `/api/ps` and stores what changed. The Node
 * gateway runs it on an interval and right after a cold start; on Workers a cron
 * trigger runs one sample. A failed poll stores nothing (an unreachable Ollama says
 * nothing about what is loaded).
 */
import type { GatewayStore } from '../storage/gateway-store.js';
import {
  applyResidency,
  diffResidency,
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
  /** Told about a failed poll or write. */
  onError?: (error: unknown) => void;
}

/** Samples `/api/ps` and records loads and unloads. */
export class ResidencySampler {
  private state: ResidencyState | null = null;
  private running: Promise<ResidencyEvent[] | null> | null = null;
  /** When the last successful sample was taken (epoch ms), if any. */
  lastSampleAt: number | null = null;

  constructor(private readonly options: ResidencySamplerOptions) {}

  /** Takes one sample (concurrent calls share it); resolves with the events stored, or `null` when it failed. */
  sample(): Promise<ResidencyEvent[] | null> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async take(): Promise<ResidencyEvent[] | null> {
    const { store, ollamaUrl } = this.options;
    const doFetch = this.options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    const now = this.options.now ?? Date.now;
    try {
      // The last stored state survives restarts (and is all a Worker has).
      this.state ??= applyResidency(new Map(), await store.residencyEvents());
      const res = await doFetch(new URL('/api/ps', ollamaUrl), { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`Ollama answered /api/ps with ${res.status}`);
      const ps = psResponseSchema.parse(await res.json());
      const ts = now();
      const events = diffResidency(this.state, ps.models ?? [], ts);
      if (events.length > 0) await store.insertResidency(events);
      applyResidency(this.state, events);
      this.lastSampleAt = ts;
      return events;
    } catch (error) {
      this.options.onError?.(error);
      return null;
    }
  }
}
