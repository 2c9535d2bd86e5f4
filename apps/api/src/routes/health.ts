/**
 * `GET /healthz`: 200 while the gateway itself works, with whether Ollama answers and how
 * storage is doing (backlog of unwritten records, drops, spooled lines kept aside). Ollama
 * being down makes `status` "degraded" but stays a 200: the gateway still serves stats and
 * answers clients with 502s, so a load balancer must keep it. Whether Ollama answers is probed
 * on each call (`/api/version`), not taken from the last `/api/ps` poll: it is current to the
 * request, and a Worker keeps no poll in memory. Storage that fails (writes refused, a full disk,
 * the storage thread restarting) makes `status` "degraded" too, with the reason.
 */
import { Hono } from 'hono';
import type { GatewayStore } from '../storage/gateway-store.js';

/** Delivery figures of the sink, when it keeps any. */
export type SinkHealth = () => {
  backlog: number;
  dropped: number;
  written?: number;
  lastError?: string | null;
  /** Why storage is degraded, or null. */
  degraded?: string | null;
  /** Calls waiting on the storage thread (Node). */
  queue_depth?: number;
};

/** The proxy thread's event-loop delay over the last minute or so, ms (Node). */
export type EventLoopHealth = () => { p99: number; max: number };

/** The health route. */
export function healthRoutes(deps: {
  store: GatewayStore;
  ollamaUrl: string;
  sinkHealth?: SinkHealth | undefined;
  eventLoop?: EventLoopHealth | undefined;
  fetch?: typeof fetch | undefined;
}): Hono {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return new Hono().get('/', async (c) => {
    const [ollama, database] = await Promise.all([probeOllama(doFetch, deps.ollamaUrl), probeDatabase(deps.store)]);
    const sink = deps.sinkHealth?.() ?? { backlog: 0, dropped: 0 };
    const reasons = [
      ollama.reachable ? null : `Ollama does not answer at ${deps.ollamaUrl}: ${ollama.error}`,
      sink.degraded ?? null,
      database.reachable ? null : `the database does not answer: ${database.error}`,
    ].filter((reason) => reason !== null);
    return c.json({
      status: reasons.length === 0 ? 'ok' : 'degraded',
      ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
      ollama: { url: deps.ollamaUrl, ...ollama },
      storage: { backend: deps.store.backend.name, reachable: database.reachable, error: database.error, ...sink },
      ...(deps.eventLoop === undefined ? {} : { proxy: { event_loop_delay_ms: deps.eventLoop() } }),
    });
  });
}

async function probeOllama(
  doFetch: typeof fetch,
  url: string,
): Promise<{ reachable: boolean; version: string | null; error: string | null }> {
  try {
    const res = await doFetch(new URL('/api/version', url), { signal: AbortSignal.timeout(2000) });
    const body = (await res.json().catch(() => ({}))) as { version?: unknown };
    return {
      reachable: res.ok,
      version: typeof body.version === 'string' ? body.version : null,
      error: res.ok ? null : `HTTP ${res.status}`,
    };
  } catch (error) {
    return { reachable: false, version: null, error: error instanceof Error ? error.message : String(error) };
  }
}

async function probeDatabase(store: GatewayStore): Promise<{ reachable: boolean; error: string | null }> {
  try {
    await store.ping();
    return { reachable: true, error: null };
  } catch (error) {
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
}
