/**
 * Keeps rollups up to date on Node: builds every `intervalMs` (and once at start-up), in
 * small steps so a large backlog — a database opened for the first time after an upgrade,
 * a big import — is caught up without holding the event loop for long at a time.
 */
import type { MetricStore } from './store.js';

/** Periods rebuilt per step: one hour of a busy gateway's records is read per period. */
const STEP = 20;

/** A running rollup timer. */
export interface RollupTimer {
  /** Stops building; resolves once a build in progress has ended. */
  stop(): Promise<void>;
}

/**
 * Starts building rollups of `store` now and every `intervalMs`; failures go to `onError`
 * and the next tick tries again.
 */
export function startRollupTimer(
  store: MetricStore,
  intervalMs: number,
  onError: (error: unknown) => void,
): RollupTimer {
  let stopped = false;
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= (async () => {
      try {
        for (;;) {
          if (stopped) return;
          const built = await store.rollups.build(Date.now(), STEP);
          if (built.hours + built.days < STEP) return;
          // A backlog: let requests in between steps.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        onError(error);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
