/**
 * Model residency: what Ollama has loaded, from `GET /api/ps`, turned into history. A
 * sample is compared with the last known state and only changes are stored — a model
 * became loaded, or was unloaded — with its size, VRAM share and context length.
 * Runtime-free: the caller supplies fetch, clock and store.
 */
import { z } from 'zod';

/** One model in Ollama's `/api/ps` answer (fields Ollama omits when zero are optional). */
export const psModelSchema = z.object({
  name: z.string().min(1).max(512),
  model: z.string().optional(),
  size: z.number().nonnegative().optional(),
  size_vram: z.number().nonnegative().optional(),
  context_length: z.number().int().nonnegative().optional(),
  expires_at: z.string().optional(),
});

/** `GET /api/ps`. */
export const psResponseSchema = z.object({ models: z.array(psModelSchema).nullable().default([]) });

/** A loaded model as a sample saw it. */
export type PsModel = z.infer<typeof psModelSchema>;

/** A stored change of residency. */
export interface ResidencyEvent {
  id: string;
  ts: number;
  model: string;
  event: 'loaded' | 'unloaded';
  size: number | null;
  size_vram: number | null;
  context_length: number | null;
}

/** What is loaded, by model name, with what the sample said of it. */
export type ResidencyState = Map<
  string,
  { since: number; size: number | null; size_vram: number | null; context_length: number | null }
>;

/** The events that turn `previous` into what `current` shows at `ts`. */
export function diffResidency(previous: ResidencyState, current: PsModel[], ts: number): ResidencyEvent[] {
  const events: ResidencyEvent[] = [];
  const seen = new Set<string>();
  for (const model of current) {
    seen.add(model.name);
    if (previous.has(model.name)) continue;
    events.push({
      id: `${ts}:${model.name}:loaded`,
      ts,
      model: model.name,
      event: 'loaded',
      size: model.size ?? null,
      size_vram: model.size_vram ?? null,
      context_length: model.context_length ?? null,
    });
  }
  for (const [name, held] of previous) {
    if (seen.has(name)) continue;
    events.push({
      id: `${ts}:${name}:unloaded`,
      ts,
      model: name,
      event: 'unloaded',
      size: held.size,
      size_vram: held.size_vram,
      context_length: held.context_length,
    });
  }
  return events;
}

/** Applies events (oldest first) to a state. */
export function applyResidency(state: ResidencyState, events: Iterable<ResidencyEvent>): ResidencyState {
  for (const e of events) {
    if (e.event === 'loaded')
      state.set(e.model, { since: e.ts, size: e.size, size_vram: e.size_vram, context_length: e.context_length });
    else state.delete(e.model);
  }
  return state;
}

/** One stretch of time a model was loaded (`to` null: still loaded at the last sample). */
export interface ResidencyInterval {
  model: string;
  from: number;
  to: number | null;
  size: number | null;
  size_vram: number | null;
  context_length: number | null;
}

/** The loaded intervals the events describe (events oldest first), clipped to `[from, to)` when given. */
export function residencyIntervals(
  events: ResidencyEvent[],
  window: { from?: number | undefined; to?: number | undefined } = {},
): ResidencyInterval[] {
  const open = new Map<string, ResidencyInterval>();
  const intervals: ResidencyInterval[] = [];
  for (const e of events) {
    if (e.event === 'loaded') {
      if (!open.has(e.model))
        open.set(e.model, {
          model: e.model,
          from: e.ts,
          to: null,
          size: e.size,
          size_vram: e.size_vram,
          context_length: e.context_length,
        });
    } else {
      const interval = open.get(e.model);
      if (interval !== undefined) {
        intervals.push({ ...interval, to: e.ts });
        open.delete(e.model);
      }
    }
  }
  intervals.push(...open.values());
  return intervals
    .filter(
      (i) =>
        (window.to === undefined || i.from < window.to) &&
        (window.from === undefined || i.to === null || i.to > window.from),
    )
    .sort((a, b) => a.from - b.from || a.model.localeCompare(b.model));
}
