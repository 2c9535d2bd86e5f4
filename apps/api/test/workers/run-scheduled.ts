/** Runs the Worker's scheduled handler (the cron trigger) once, as workerd would. */
import { env } from 'cloudflare:test';

/** Calls `scheduled()` of src/worker.ts; resolves with the promises it handed to `waitUntil`, in order. */
export async function runScheduled(): Promise<Promise<unknown>[]> {
  const worker = (await import('../../src/worker.ts')).default;
  const waits: Promise<unknown>[] = [];
  worker.scheduled({ scheduledTime: Date.now(), cron: '* * * * *' } as ScheduledController, env, {
    waitUntil: (p: Promise<unknown>) => waits.push(p),
    passThroughOnException() {},
  } as unknown as ExecutionContext);
  return waits;
}
