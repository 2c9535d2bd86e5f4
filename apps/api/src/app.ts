/**
 * `createApp()` — the ollama-perf gateway and stats API, free of runtime specifics:
 * reserved routes (`/stats`, `/stats/:model`, `/ingest`, `/healthz`) and, for every other
 * path, a proxy to Ollama with `ollamaMetrics()` recording inference requests.
 * `node.ts` and `worker.ts` supply the store, the sink and the configuration.
 */
import { type CaptureContext, type MetricErrorHandler, type MetricSink, ollamaMetrics } from '@ollama-perf/middleware';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { getPath } from 'hono/utils/url';
import { requireToken } from './http/auth.js';
import { ApiError, onApiError } from './http/errors.js';
import { RESERVED_PREFIXES, routedPath } from './http/reserved-path.js';
import { proxyTo } from './proxy/fetch-proxy.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { type EventLoopHealth, healthRoutes, type SinkHealth } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelsRoutes } from './routes/models.js';
import { statsRoutes } from './routes/stats.js';
import type { GatewayStore } from './storage/gateway-store.js';

/** What the app needs from its runtime. */
export interface AppDeps {
  store: GatewayStore;
  /** Where records of proxied requests go (Node: a batching store sink; Workers: the store directly). */
  sink: MetricSink;
  /** Ollama's base URL, e.g. `http://127.0.0.1:11434`. */
  ollamaUrl: string;
  /** When set, reserved routes need `Authorization: Bearer <token>`. */
  apiToken?: string | undefined;
  /** A load at least this long (ms) is a cold start. Default 500. */
  coldStartMs?: number | undefined;
  /** Request header naming the project. Default `X-Project-Name`. */
  projectHeader?: string | undefined;
  /** Largest `/ingest` body, bytes. Default 8 MiB. */
  maxIngestBytes?: number | undefined;
  /** Delivery figures for /healthz. */
  sinkHealth?: SinkHealth | undefined;
  /** The proxy thread's event-loop delay, for /healthz (Node). */
  eventLoopHealth?: EventLoopHealth | undefined;
  /** Measurement failures. Default: one console line each. */
  onMetricError?: MetricErrorHandler | undefined;
  /** The fetch used to reach Ollama. Default: global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Longest wait for Ollama's response headers, ms. Default 600000. */
  firstByteTimeoutMs?: number | undefined;
  /** Longest silence between two chunks of an answer, ms. Default 300000. */
  idleTimeoutMs?: number | undefined;
  /** When /api/ps was last sampled (the Node gateway's sampler), for /models. */
  residencySampledAt?: (() => number | null) | undefined;
  /** Origins allowed to call the reserved routes from a browser. Default none (CORS off). */
  corsOrigins?: string[] | undefined;
  /** Capture state shared with the Node data path (`proxy/node-listener.ts`). Default: the middleware's own. */
  captureContext?: CaptureContext | undefined;
}

export { RESERVED_PREFIXES } from './http/reserved-path.js';

/**
 * Builds the gateway.
 *
 * @example
 * const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434' });
 * serve({ fetch: app.fetch, port: 11435 });
 */
export function createApp(deps: AppDeps): Hono {
  // Routed on the path with runs of slashes collapsed: `//stats` is the guarded `/stats`, never
  // an Ollama path (the proxy still forwards the path as the client wrote it).
  const app = new Hono({ getPath: (request) => routedPath(getPath(request)) });
  app.onError(onApiError);

  if (deps.corsOrigins !== undefined && deps.corsOrigins.length > 0) {
    const reservedCors = cors({
      origin: deps.corsOrigins,
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    });
    for (const prefix of RESERVED_PREFIXES) {
      app.use(prefix, reservedCors);
      app.use(`${prefix}/*`, reservedCors);
    }
  }

  const guard = requireToken(deps.apiToken);
  const maxIngestBytes = deps.maxIngestBytes ?? 8 * 1024 * 1024;
  app.use('/stats', guard);
  app.use('/stats/*', guard);
  app.use('/ingest', guard);
  app.use('/healthz', guard);
  app.use('/metrics', guard);
  app.use('/models', guard);
  app.use(
    '/ingest',
    bodyLimit({
      maxSize: maxIngestBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body over ${maxIngestBytes} bytes`);
      },
    }),
  );
  app.route('/stats', statsRoutes(deps.store));
  app.route('/ingest', ingestRoutes(deps.store));
  app.route(
    '/metrics',
    metricsRoutes(deps.store, () => ({
      eventLoopDelayMs: deps.eventLoopHealth?.(),
      storageQueueDepth: deps.sinkHealth?.().queue_depth,
    })),
  );
  app.route('/models', modelsRoutes(deps.store, deps.residencySampledAt));
  app.route('/dashboard', dashboardRoutes());
  app.route(
    '/healthz',
    healthRoutes({
      store: deps.store,
      ollamaUrl: deps.ollamaUrl,
      sinkHealth: deps.sinkHealth,
      eventLoop: deps.eventLoopHealth,
      fetch: deps.fetch,
    }),
  );
  // A reserved path never reaches Ollama, whatever the method or sub-path (`POST /stats`,
  // `/stats/`): proxied, an OPTIONS preflight would come back with Ollama's own CORS headers.
  for (const prefix of RESERVED_PREFIXES) {
    app.all(prefix, notReserved);
    app.all(`${prefix}/*`, notReserved);
  }

  app.use(
    '*',
    ollamaMetrics({
      sink: deps.sink,
      coldStartMs: deps.coldStartMs,
      projectHeader: deps.projectHeader,
      onError: deps.onMetricError,
      context: deps.captureContext,
    } as Parameters<typeof ollamaMetrics>[0]),
  );
  app.all(
    '*',
    proxyTo(deps.ollamaUrl, {
      fetch: deps.fetch,
      withheldToken: deps.apiToken,
      firstByteTimeoutMs: deps.firstByteTimeoutMs,
      idleTimeoutMs: deps.idleTimeoutMs,
    }),
  );
  return app;
}

function notReserved(c: Context): never {
  throw new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
}
