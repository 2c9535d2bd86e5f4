/**
 * The proxy thread's event-loop delay (Node): how long a ready callback — a chunk from Ollama,
 * a new request — waited for the thread. It is what a stall of the gateway itself costs every
 * user request, so /healthz reports it beside the storage queue.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** A running monitor of the event-loop delay. */
export interface EventLoopDelayMonitor {
  /** p99 and max of the delay over the current window (one to two windows back), ms. */
  read(): { p99: number; max: number };
  stop(): void;
}

/**
 * Samples the event-loop delay every 10 ms; figures cover the last `windowMs` or so (the
 * histogram starts afresh each window, keeping the one before until the new one has data).
 */
export function monitorProxyEventLoop(windowMs = 60_000): EventLoopDelayMonitor {
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let previous = { p99: 0, max: 0 };
  // Node's samples are whole timer intervals (the resolution included): the delay is what exceeds it.
  const delayOf = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  const figures = () => ({ p99: delayOf(histogram.percentile(99)), max: delayOf(histogram.max) });
  const roll = setInterval(() => {
    previous = figures();
    histogram.reset();
  }, windowMs);
  roll.unref();
  return {
    read() {
      const now = histogram.count > 0 ? figures() : previous;
      return { p99: Math.round(now.p99 * 100) / 100, max: Math.round(now.max * 100) / 100 };
    },
    stop() {
      clearInterval(roll);
      histogram.disable();
    },
  };
}
