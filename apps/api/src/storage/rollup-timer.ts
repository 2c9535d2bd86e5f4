/**
 * Keeps rollups up to date on Node: builds every `intervalMs` (and once at start-up), in
 * small steps so a large backlog — a database opened for the first time after an upgrade,
 * a big import — is caught up without holding the thread for long at a time; and soon after
 * a write that may have landed in closed periods (`nudge()`), so `/stats` over an import is
 * served from rollups within seconds instead of at the next tick.
 */
import type { MetricStore } from './store.js';

/** Periods rebuilt per step: one hour of a busy gateway's records is read per period. */
const STEP = 20;
/** How long a nudge waits, ms: the batches of one import arrive together and share one build. */
const NUDGE_DELAY_MS = 1_000;

/** A running rollup timer. */
export interface RollupTimer {
  /** Builds soon rather than at the next tick: records just landed, maybe in closed periods (an import). */
  nudge(): void;
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
  // Asked again while building: records may have landed in periods this build already passed.
  let again = false;
  let nudged: ReturnType<typeof setTimeout> | undefined;
  const build = async () => {
    for (;;) {
      if (stopped) return;
      const built = await store.rollups.build(Date.now(), STEP);
      if (built.hours + built.days < STEP) return;
      // A backlog: let other work in between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const run = () => {
    if (running !== null) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await build();
        } while (again && !stopped);
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
    nudge() {
      if (stopped || nudged !== undefined) return;
      nudged = setTimeout(() => {
        nudged = undefined;
        run();
      }, NUDGE_DELAY_MS);
      nudged.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (nudged !== undefined) clearTimeout(nudged);
      await running;
    },
  };
}
