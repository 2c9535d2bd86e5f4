/** `GET /stats`, `GET /stats/compare` and `GET /stats/:model`: the Summary JSON over stored records. */

import { zValidator } from '@hono/zod-validator';
import { compareQuerySchema, statsQuerySchema } from '@ollama-perf/core';
import { type Context, Hono } from 'hono';
import { ApiError } from '../http/errors.js';
import type { GatewayStore } from '../storage/gateway-store.js';
import { SYNCHRONOUS, validationHook } from './validation.js';

const WINDOW_PARAMS = ['from', 'to', 'baseline_from', 'baseline_to'] as const;

/** The stats routes over `store`. */
export function statsRoutes(store: GatewayStore): Hono {
  const query = zValidator('query', statsQuerySchema, validationHook('query parameters'), SYNCHRONOUS);
  const compareQuery = zValidator('query', compareQuerySchema, validationHook('query parameters'), SYNCHRONOUS);
  return new Hono()
    .get('/', query, async (c) => {
      const { series, tz, ...filter } = c.req.valid('query');
      return jsonText(c, await store.summaryJson(filter, { series, tz }));
    })
    .get(
      '/compare',
      async (c, next) => {
        // `compare` is taken by this route: a model of that name is read as `/stats?model=compare`.
        const missing = WINDOW_PARAMS.filter((name) => c.req.query(name) === undefined);
        if (missing.length > 0)
          throw new ApiError(
            400,
            'bad_request',
            `missing query parameters: ${missing.join(', ')} (for a model named "compare", use /stats?model=compare)`,
          );
        await next();
      },
      compareQuery,
      async (c) => c.json(await store.compare(c.req.valid('query'))),
    )
    .get('/:model{[\\s\\S]+}', query, async (c) => {
      // Model names hold ':' and '/': both raw and percent-encoded forms arrive here decoded.
      // `[\s\S]`, not `.`: a name may hold a line break (it came in a JSON body), and is still a name.
      const model = c.req.param('model');
      const { series, tz, ...filter } = c.req.valid('query');
      // No record holds U+0000 (the schema refuses it), and PostgreSQL fails on a query naming it.
      const summary = model.includes('\u0000') ? null : await store.modelSummaryJson(model, filter, { series, tz });
      if (summary === null) throw new ApiError(404, 'not_found', `no records for model "${model}"`);
      return jsonText(c, summary);
    });
}

/** A 200 answer whose body is JSON text already (the stats store splices stored JSON). */
function jsonText(c: Context, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' });
}
