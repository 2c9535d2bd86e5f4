/**
 * `@ollama-perf/middleware/express` — the same capture for Express 5 apps, whether they
 * proxy Ollama (`http-proxy-middleware`) or call the `ollama` client and `res.json()` /
 * `res.write()` the result. The body is observed as it is written, never held.
 *
 * The request body is not read here: a middleware that consumes it starves
 * `http-proxy-middleware`, which pipes `req` only later. The model comes from the
 * response (Ollama names it), from `req.body` when a body parser ran first, or from an
 * error message naming it.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { operationForPath } from '@ollama-perf/core';
import { CaptureContext, type CaptureOptions, DEFAULT_PROJECT_HEADER } from './capture.js';
import { nodeInflater } from './decode-node.js';
import { type DecodedBodyObserver, decodingObserver } from './decoding-observer.js';

/** Options of the Express {@link ollamaMetrics}. */
export interface ExpressOllamaMetricsOptions extends CaptureOptions {
  /** Request header naming the project. Default `X-Project-Name`. */
  projectHeader?: string;
  /** Derives the project from the request instead of a header. */
  project?: (req: IncomingMessage) => string | null | undefined;
}

type Request = IncomingMessage & { originalUrl?: string; body?: unknown };
type Write = ServerResponse['write'];
type End = ServerResponse['end'];

/**
 * Express middleware recording one metric per Ollama inference request.
 *
 * @example
 * app.use(ollamaMetrics({ sink: jsonlFileSink() }));
 * app.use('/api', createProxyMiddleware({ target: 'http://127.0.0.1:11434/api' }));
 */
export function ollamaMetrics(options: ExpressOllamaMetricsOptions) {
  const context = new CaptureContext(options);
  const header = (options.projectHeader ?? DEFAULT_PROJECT_HEADER).toLowerCase();
  const projectOf = options.project ?? ((req: IncomingMessage) => firstHeader(req.headers[header]));

  return function ollamaMetrics(req: Request, res: ServerResponse, next: (error?: unknown) => void): void {
    // A mounted router rewrites req.url later: take the full path now.
    const path = req.originalUrl ?? req.url ?? '/';
    const operation = req.method === 'POST' ? operationForPath(path) : null;
    if (operation === null) {
      next();
      return;
    }

    let project: string | null = null;
    try {
      project = projectOf(req) ?? null;
    } catch (error) {
      context.onError(error);
    }
    const bodyModel = (req.body as { model?: unknown } | undefined)?.model;
    const capture = context.begin({
      endpoint: path,
      operation,
      project,
      requestModel: typeof bodyModel === 'string' ? bodyModel : null,
    });

    const direct: DecodedBodyObserver = {
      chunk: (bytes) => capture.chunk(bytes),
      end: (outcome) => void capture.finish(outcome),
    };
    // A compressed body (http-proxy-middleware passes Ollama's as it came) is read from a decompressed copy.
    let body = direct;
    let responded = false;
    const respond = () => {
      if (responded) return;
      responded = true;
      const type = res.getHeader('content-type');
      capture.respond(res.statusCode, Array.isArray(type) ? type[0] : type === undefined ? null : String(type));
      body = decodingObserver(headerText(res.getHeader('content-encoding')), direct, nodeInflater);
    };
    const observe = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') {
        const binary = typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8';
        if (binary || body !== direct) body.chunk(Buffer.from(chunk, binary ? (encoding as BufferEncoding) : 'utf8'));
        else capture.chunk(chunk);
      } else if (chunk instanceof Uint8Array) {
        body.chunk(chunk);
      }
    };

    const write = res.write as (...args: unknown[]) => boolean;
    const end = res.end as (...args: unknown[]) => ServerResponse;
    res.write = function (this: ServerResponse, ...args: unknown[]) {
      respond();
      observe(args[0], args[1]);
      return write.apply(this, args);
    } as Write;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      respond();
      if (typeof args[0] !== 'function') observe(args[0], args[1]);
      return end.apply(this, args);
    } as End;

    res.once('finish', () => void body.end({}));
    res.once('close', () => {
      if (!res.writableFinished) {
        respond();
        void body.end({ aborted: true });
      }
    });
    next();
  };
}

/**
 * For `http-proxy-middleware`: aborts the request to Ollama when the client goes away,
 * so Ollama stops generating. Node no longer emits `aborted` for a request whose body was
 * read in full, which is what `http-proxy` listens for.
 *
 * @example
 * createProxyMiddleware({ target, on: { proxyReq: abortUpstreamOnClose } })
 */
export function abortUpstreamOnClose(proxyReq: { destroy(): void }, _req: IncomingMessage, res: ServerResponse): void {
  res.once('close', () => {
    if (!res.writableFinished) proxyReq.destroy();
  });
}

function headerText(value: number | string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
