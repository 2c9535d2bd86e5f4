/**
 * The gateway on Cloudflare Workers: D1 (binding `DB`) for storage, `OLLAMA_URL` for the
 * upstream, records written through `waitUntil` after each response. `Env` is generated from
 * wrangler.jsonc by `wrangler types` (worker-configuration.d.ts; `pnpm types:worker`).
 */

import { Hono } from 'hono';
import { createApp } from './app.js';
import { describeAvailabilityChange } from './residency/availability-tracker.js';
import { ResidencySampler } from './residency/sampler.js';
import { openD1Store } from './storage/backends/d1/open.js';

declare global {
  namespace Cloudflare {
    // A secret (`wrangler secret put API_TOKEN`), not in wrangler.jsonc, so `wrangler types` cannot see it.
    interface Env {
      API_TOKEN?: string;
    }
  }
}

// One app per isolate and binding set: building it per request would redo the routing setup.
let cached: { env: Env; app: Hono } | undefined;

function appFor(env: Env): Hono {
  if (cached?.env === env) return cached.app;
  const store = openD1Store(env.DB);
  const exactUpTo = Number(env.STATS_EXACT_UP_TO);
  if (Number.isInteger(exactUpTo) && exactUpTo >= 0) store.exactUpTo = exactUpTo;
  const coldStartMs = env.COLD_START_MS === undefined ? undefined : Number(env.COLD_START_MS);
  const app = createApp({
    store,
    // Each record is inserted on its own, after the response, through the middleware's waitUntil.
    sink: { write: async (records) => void (await store.insert(records)) },
    ollamaUrl: env.OLLAMA_URL,
    apiToken: env.API_TOKEN,
    coldStartMs: Number.isFinite(coldStartMs) ? coldStartMs : undefined,
    projectHeader: env.PROJECT_HEADER,
  });
  cached = { env, app };
  return app;
}

// Bindings arrive with each request: every request goes on, untouched, to the gateway built for them.
const worker = new Hono<{ Bindings: Env }>().all('*', (c) => appFor(c.env).fetch(c.req.raw, c.env, c.executionCtx));

export default {
  fetch: worker.fetch,
  // The cron trigger (wrangler.jsonc) samples Ollama's /api/ps for model residency and availability
  // and folds finished hours into rollups.
  scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): void {
    const store = openD1Store(env.DB);
    const sampler = new ResidencySampler({
      store,
      ollamaUrl: env.OLLAMA_URL,
      // The cron runs every minute: a longer silence means the Worker was not polling.
      intervalMs: 60_000,
      onAvailability: (change) => console.error(`[ollama-perf] ${describeAvailabilityChange(change, env.OLLAMA_URL)}`),
      onError: (error) =>
        console.error(
          `[ollama-perf] residency sample failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
    ctx.waitUntil(sampler.sample());
    ctx.waitUntil(
      store.rollups.build(controller.scheduledTime).catch((error: unknown) => {
        console.error(`[ollama-perf] rollup build failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
  },
} satisfies ExportedHandler<Env>;
