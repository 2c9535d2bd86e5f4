/** Runs the Worker's cron handler as Cloudflare would and waits for its rollup build (the D1 suites' `build`). */
import { env } from 'cloudflare:test';
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
  return (await waits[1]) as BuildResult;
}
