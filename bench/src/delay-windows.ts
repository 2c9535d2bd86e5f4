/**
 * Reading a windowed event-loop delay figure per phase. The gateway's `/healthz`
 * (`proxy.event_loop_delay_ms`, also `/metrics` `ollama_perf_event_loop_delay_seconds`) reports
 * p99 and max over the current window of its monitor, which starts afresh every 60 s counted
 * from the gateway's start (`apps/api/src/proxy/event-loop-delay.ts`): not cumulative, and not
 * aligned with anything the benchmark does. So each phase gets a freshly started gateway (its
 * first window starts with the phase), `/healthz` is read every second or so, and the last
 * reading of each window stands for that window.
 */

/** The window of the gateway's event-loop delay monitor (its `monitorProxyEventLoop()` default), ms. */
export const GATEWAY_DELAY_WINDOW_MS = 60_000;

/** One `/healthz` reading of the proxy's event-loop delay. */
export interface DelayReading {
  /** When it was read, ms after the gateway started. */
  atMs: number;
  p99: number;
  max: number;
}

/** The event-loop delay of a phase. */
export interface PhaseDelay {
  /** Largest p99 of the windows the phase covered (each window's last reading), ms. */
  p99: number;
  /** Largest delay seen, ms. */
  max: number;
  /** Windows with a usable last reading. */
  windows: number;
}

/**
 * The phase's event-loop delay from readings taken through it (any order). A window's figure
 * is its last reading; readings within `guardMs` of a window boundary are left out of the p99,
 * since the gateway's timer may roll the window a little before or after the nominal time
 * (drift, a late start). The max needs no such care: every reading's max is a delay that
 * happened within the phase. When no reading is clear of the boundaries, the largest p99 read
 * stands (windows = 0).
 *
 * @example
 * phaseDelay([{ atMs: 30_000, p99: 1.2, max: 4 }, { atMs: 70_000, p99: 0.8, max: 2 }]) // { p99: 1.2, max: 4, windows: 2 }
 */
export function phaseDelay(
  readings: readonly DelayReading[],
  windowMs = GATEWAY_DELAY_WINDOW_MS,
  guardMs = 1_000,
): PhaseDelay {
  const last = new Map<number, DelayReading>();
  let max = Number.NaN;
  let anyP99 = Number.NaN;
  for (const reading of readings) {
    max = Number.isNaN(max) ? reading.max : Math.max(max, reading.max);
    anyP99 = Number.isNaN(anyP99) ? reading.p99 : Math.max(anyP99, reading.p99);
    const window = Math.floor(reading.atMs / windowMs);
    const into = reading.atMs - window * windowMs;
    if (into < guardMs || into > windowMs - guardMs) continue;
    const seen = last.get(window);
    if (seen === undefined || reading.atMs > seen.atMs) last.set(window, reading);
  }
  if (last.size === 0) return { p99: anyP99, max, windows: 0 };
  return { p99: Math.max(...[...last.values()].map((r) => r.p99)), max, windows: last.size };
}
