/**
 * The gateway on Cloudflare Workers: D1 (binding `DB`) for storage, `OLLAMA_URL` for the
 * upstream, records written through `waitUntil` after each response.
 */

import type { Hono } from 'hono';
import type { CompiledQuery } from 'kysely';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { createApp } from './app.js';
import { ResidencySampler } from './residency/sampler.js';
import type { Database } from './storage/schema.js';
import { MetricStore } from './storage/store.js';

/** Bindings and variables of the Worker (see wrangler.jsonc). */
export interface WorkerEnv {
  DB: D1Database;
  OLLAMA_URL: string;
  API_TOKEN?: string;
  COLD_START_MS?: string;
  PROJECT_HEADER?: string;
}

/** A store over a D1 binding; multi-statement inserts run as one atomic `batch`. */
export function d1Store(database: D1Database): MetricStore {
  const db = new Kysely<Database>({ dialect: new D1Dialect({ database }) });
  return new MetricStore(db, {
    backend: 'd1',
    async batch(queries: CompiledQuery[]) {
      const results = await database.batch(queries.map((q) => database.prepare(q.sql).bind(...q.parameters)));
      return results.map((r) => r.meta.changes ?? 0);
    },
  });
}

// One app per isolate and binding set: building it per request would redo the routing setup.
let cached: { env: WorkerEnv; app: Hono } | undefined;

function appFor(env: WorkerEnv): Hono {
  if (cached?.env === env) return cached.app;
  const store = d1Store(env.DB);
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
    const store = d1Store(env.DB);
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
