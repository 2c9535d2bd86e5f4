/**
 * The gateway's request listener on Node: proxied paths take the lean data path
 * (`node-proxy.ts`: node:http both ways, the middleware's capture fed Buffers), the
 * reserved routes and any request target out of the ordinary go to the Hono app through
 * @hono/node-server — whose own proxy and middleware then answer exactly as before.
 * Both share one capture context, so `concurrency` and `switched_from` see every request.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { CaptureContext, type CaptureOptions } from '@ollama-perf/middleware';
import type { Hono } from 'hono';
import { type AppDeps, createApp } from '../app.js';
import { isReservedPath } from '../http/reserved-path.js';
import { nodeProxy } from './node-proxy.js';

/**
 * Options of {@link gatewayListener}: the app's, and the address served. `fetch` reaches only
 * what the Hono app answers (/healthz, unusual targets); the data path speaks node:http.
 */
export interface GatewayListenerOptions extends AppDeps {
  /** Host name for requests that name none (HTTP/1.0), as @hono/node-server's `serve()` takes it. */
  hostname?: string | undefined;
}

/** The listener and what it holds. */
export interface GatewayListener {
  /** For `http.createServer()`. */
  listener: RequestListener;
  /** The Hono app answering the reserved routes. */
  app: Hono;
  /** Closes the idle connections to Ollama. */
  close(): void;
}

// The request targets @hono/node-server passes through as they are (its own fast check,
// less `#`): no percent-escapes, dot segments or backslashes, so the path the Hono app
// would route is the raw one. Anything else goes to the app, which normalizes it.
const PLAIN_TARGET = /^\/[!$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * Builds the Node gateway's request listener over `createApp(deps)`.
 *
 * @example
 * const gateway = gatewayListener({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:11434' });
 * createServer(gateway.listener).listen(11435, '127.0.0.1');
 */
export function gatewayListener(options: GatewayListenerOptions): GatewayListener {
  const captureOptions: CaptureOptions = { sink: options.sink };
  if (options.coldStartMs !== undefined) captureOptions.coldStartMs = options.coldStartMs;
  if (options.onMetricError !== undefined) captureOptions.onError = options.onMetricError;
  const context = new CaptureContext(captureOptions);
  const app = createApp({ ...options, captureContext: context });
  const viaHono = getRequestListener(app.fetch, options.hostname === undefined ? {} : { hostname: options.hostname });
  const proxy = nodeProxy({
    upstream: options.ollamaUrl,
    context,
    projectHeader: options.projectHeader,
    withheldToken: options.apiToken,
    firstByteTimeoutMs: options.firstByteTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
  });

  return {
    app,
    listener(req: IncomingMessage, res: ServerResponse) {
      const target = req.url ?? '';
      const host = req.headers.host;
      if (host === undefined || !PLAIN_HOST.test(host) || !PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target))
        return void viaHono(req, res);
      const query = target.indexOf('?');
      const path = query === -1 ? target : target.slice(0, query);
      if (isReservedPath(path)) return void viaHono(req, res);
      proxy.forward(req, res, target, path);
    },
    close() {
      proxy.close();
    },
  };
}
