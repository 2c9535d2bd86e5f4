/** Runs the Worker's cron handler as Cloudflare would and waits for its rollup build (the D1 suites' `build`). */
import { env } from 'cloudflare:test';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';
import type { BuildResult } from '../../src/storage/rollups/index.ts';
import worker from '../../src/worker.ts';

/** Fires the cron at `now` and resolves with what its rollup build did. */
export async function cronBuild(now: number): Promise<BuildResult> {
  const waits: Array<Promise<unknown>> = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => waits.push(p),
    passThroughOnException() {},
  } as unknown as ExecutionContext;
  worker.scheduled({ scheduledTime: now, cron: '* * * * *', noRetry() {} } as ScheduledController, env, ctx);
  // The second task of the cron is the rollup build (the first samples Ollama's /api/ps).
  const [, built] = await Promise.all(waits);
  // That sample finds no Ollama here and stores the poll; the suites compare answers made from
  // records alone (test/workers/availability.d1.test.ts covers the polls).
  await openD1Store(env.DB).db.deleteFrom('ollama_availability').execute();
  return built as BuildResult;
}
