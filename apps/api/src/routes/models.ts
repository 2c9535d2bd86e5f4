/**
 * `GET /models`: what Ollama has loaded now (from the last `/api/ps` sample) and the
 * residency history over a window — intervals per model, with size and VRAM.
 * Query: `from`, `to` (ISO-8601 or epoch ms); default: the last 24 hours.
 */

import { zValidator } from '@hono/zod-validator';
import { statsQuerySchema } from '@ollama-perf/core';
import { Hono } from 'hono';
import { applyResidency, residencyIntervals } from '../residency/residency.js';
import type { GatewayStore } from '../storage/gateway-store.js';
import { SYNCHRONOUS, validationHook } from './validation.js';

const DAY_MS = 86_400_000;

/** What is loaded now, as /models and /metrics report it. */
export async function currentResidency(store: GatewayStore) {
  const events = await store.residencyEvents();
  const state = applyResidency(new Map(), events);
  const loaded = [...state].map(([model, held]) => ({
    model,
    since: held.since,
    size: held.size,
    size_vram: held.size_vram,
    context_length: held.context_length,
  }));
  return {
    events,
    loaded: loaded.sort((a, b) => a.model.localeCompare(b.model)),
  };
}

/** The residency route over `store`; `lastSampleAt` tells when /api/ps was last read, if known. */
export function modelsRoutes(store: GatewayStore, lastSampleAt: () => number | null = () => null): Hono {
  return new Hono().get(
    '/',
    zValidator('query', statsQuerySchema, validationHook('query parameters'), SYNCHRONOUS),
    async (c) => {
      const query = c.req.valid('query');
      const to = query.to;
      const from = query.from ?? (to ?? Date.now()) - DAY_MS;
      const { events, loaded } = await currentResidency(store);
      return c.json({
        sampled_at: lastSampleAt() ?? events.at(-1)?.ts ?? null,
        loaded,
        from,
        to: to ?? null,
        history: residencyIntervals(events, { from, to }),
      });
    },
  );
}
