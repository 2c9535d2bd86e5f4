/**
 * Watching a gateway through a phase from outside: `/healthz` read about once a second (the
 * proxy's event-loop delay and the storage figures) and the process's peak RSS (VmHWM, all
 * its threads) sampled from /proc. Read one at a time: while the storage thread is busy,
 * `/healthz` waits for its database ping, and piling up more would only add to its queue.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DelayReading } from './delay-windows.js';
import { timedRequest } from './load.js';
import { processMemory } from './server-process.js';

/** One `/healthz` reading. */
export interface HealthReading extends DelayReading {
  /** Records written by the storage thread's sink (proxied requests, spool replay). */
  written: number;
  /** Records held in the spool, not yet replayed. */
  spooled: number;
}

/** A running watch. */
export interface GatewayWatch {
  /** The latest reading, if any. */
  latest(): HealthReading | null;
  /** Takes a last reading and stops; resolves with every reading, the peak RSS and the largest anonymous RSS sampled, bytes. */
  stop(): Promise<{ readings: HealthReading[]; peakRss: number; peakAnon: number }>;
}

interface Health {
  storage?: { written?: number; spooled?: number };
  proxy?: { event_loop_delay_ms?: { p99: number; max: number } };
}

/**
 * Starts watching the gateway at `url` (process `pid`), which started at `startedAt`
 * (`performance.now()` of this process).
 *
 * @example
 * const watch = watchGateway(gateway.url, pid, performance.now());
 * … const { readings, peakRss } = await watch.stop();
 */
export function watchGateway(url: string, pid: number, startedAt: number, pollMs = 1_000): GatewayWatch {
  const readings: HealthReading[] = [];
  let peakRss = Number.NaN;
  let peakAnon = Number.NaN;
  let stopped = false;
  const sampleRss = () => {
    try {
      const memory = processMemory(pid);
      // VmHWM never decreases: the last figure read is the peak so far.
      peakRss = memory.hwm;
      peakAnon = Number.isNaN(peakAnon) ? memory.anon : Math.max(peakAnon, memory.anon);
    } catch {
      // The process is gone: keep the last figure.
    }
  };
  const rss = setInterval(sampleRss, 200);
  const read = async () => {
    const response = await timedRequest({ url: `${url}/healthz`, requestTimeoutMs: 600_000 });
    const health = JSON.parse(response.body.toString('utf8')) as Health;
    const delay = health.proxy?.event_loop_delay_ms;
    readings.push({
      atMs: performance.now() - startedAt,
      p99: delay?.p99 ?? Number.NaN,
      max: delay?.max ?? Number.NaN,
      written: health.storage?.written ?? 0,
      spooled: health.storage?.spooled ?? 0,
    });
  };
  // A failed reading (the gateway died) ends the watch; stop() reports it.
  const loop = (async () => {
    while (!stopped) {
      await read();
      await sleep(pollMs);
    }
  })().catch((error: unknown) => {
    stopped = true;
    return error;
  });
  return {
    latest: () => readings.at(-1) ?? null,
    async stop() {
      stopped = true;
      const failure = await loop;
      if (failure !== undefined) throw failure;
      await read();
      clearInterval(rss);
      sampleRss();
      return { readings, peakRss, peakAnon };
    },
  };
}
