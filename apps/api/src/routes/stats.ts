/** `GET /stats` and `GET /stats/:model`: the Summary JSON over stored records. */

import { zValidator } from '@hono/zod-validator';
import { statsQuerySchema } from '@ollama-perf/core';
import { joinJsonObjects } from '@ollama-perf/core/rollup';
import { type Context, Hono } from 'hono';
import { ApiError } from '../http/errors.js';
import { windowAvailability } from '../residency/window-availability.js';
import type { GatewayStore } from '../storage/gateway-store.js';
import { SYNCHRONOUS, validationHook } from './validation.js';

/** The stats routes over `store`. */
export function statsRoutes(store: GatewayStore): Hono {
  const query = zValidator('query', statsQuerySchema, validationHook('query parameters'), SYNCHRONOUS);
  return new Hono()
    .get('/', query, async (c) => {
      const filter = c.req.valid('query');
      // Ollama's availability in the window comes from the poller's runs, not from records;
      // it is left out while nothing was ever polled.
      const availability = windowAvailability(store, filter, Date.now());
      // `series=hourly` adds the hourly series over all models (the dashboard's charts).
      if (c.req.query('series') === 'hourly') {
        const [summary, polls] = await Promise.all([store.summaryWithHourlyJson(filter), availability]);
        return jsonText(
          c,
          polls === null ? summary : joinJsonObjects(summary, JSON.stringify({ availability: polls })),
        );
      }
      const [summary, polls] = await Promise.all([store.summary(filter), availability]);
      return c.json(polls === null ? summary : { ...summary, availability: polls });
    })
    .get('/:model{[\\s\\S]+}', query, async (c) => {
      // Model names hold ':' and '/': both raw and percent-encoded forms arrive here decoded.
      // `[\s\S]`, not `.`: a name may hold a line break (it came in a JSON body), and is still a name.
      const model = c.req.param('model');
      // No record holds U+0000 (the schema refuses it), and PostgreSQL fails on a query naming it.
      const summary = model.includes('\u0000') ? null : await store.modelSummaryJson(model, c.req.valid('query'));
      if (summary === null) throw new ApiError(404, 'not_found', `no records for model "${model}"`);
      return jsonText(c, summary);
    });
}

/** A 200 answer whose body is JSON text already (the stats store splices stored JSON). */
function jsonText(c: Context, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' });
}
