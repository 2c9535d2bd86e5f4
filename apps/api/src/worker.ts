/**
 * The gateway on Cloudflare Workers: D1 (binding `DB`) for storage, `OLLAMA_URL` for the
 * upstream, records written through `waitUntil` after each response.
 */

import type { Hono } from 'hono';
import { createApp } from './app.js';
import { ResidencySampler } from './residency/sampler.js';
import { openD1Store } from './storage/backends/d1/open.js';

/** Bindings and variables of the Worker (see wrangler.jsonc). */
export interface WorkerEnv {
  DB: D1Database;
  OLLAMA_URL: string;
  API_TOKEN?: string;
  COLD_START_MS?: string;
  PROJECT_HEADER?: string;
}

// One app per isolate and binding set: building it per request would redo the routing setup.
let cached: { env: WorkerEnv; app: Hono } | undefined;

function appFor(env: WorkerEnv): Hono {
  if (cached?.env === env) return cached.app;
  const store = openD1Store(env.DB);
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

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    return appFor(env).fetch(request, env, ctx);
  },
  // The cron trigger (wrangler.jsonc) samples Ollama's /api/ps for model residency and folds finished hours into rollups.
  scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): void {
    const store = openD1Store(env.DB);
    const sampler = new ResidencySampler({
      store,
      ollamaUrl: env.OLLAMA_URL,
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
} satisfies ExportedHandler<WorkerEnv>;
