/**
 * `ollamaMetrics()` — Hono middleware that records one {@link RequestMetric} per Ollama
 * inference request on any route: a `fetch` proxy, a handler calling the `ollama` client,
 * OpenAI-compatible `/v1/*`. Web-standard only, so it runs on Node, Workers, Bun and Deno.
 */
import { operationForPath } from '@ollama-perf/core';
import type { Context, MiddlewareHandler } from 'hono';
import { CaptureContext, type CaptureEnd, type CaptureOptions, DEFAULT_PROJECT_HEADER } from './capture.js';
import { webInflater } from './decode-web.js';
import { decodingObserver } from './decoding-observer.js';
import { observeBody } from './observe-body.js';
import { modelOfRequest } from './request-model.js';

/** Options of {@link ollamaMetrics}. */
export interface OllamaMetricsOptions extends CaptureOptions {
  /** Request header naming the project. Default `X-Project-Name`. */
  projectHeader?: string;
  /** Derives the project from the request instead of a header. */
  project?: (c: Context) => string | null | undefined;
  /**
   * The capture state (in-flight count, last model) to share with another way in — the
   * Node gateway's own data path — so `concurrency` and `switched_from` count both.
   * Default: a new one from these options.
   */
  context?: CaptureContext;
}

/**
 * Records Ollama's own timings, time to first token and end-to-end latency of every
 * inference request (`/api/generate`, `/api/chat`, `/api/embed(dings)`, `/v1/…`) passing
 * through; other routes pass untouched. The response is never altered or delayed:
 * streamed bodies are observed chunk by chunk as they go out.
 *
 * @example
 * app.use('/api/*', ollamaMetrics({ sink: memorySink() }));
 * app.post('/api/chat', (c) => fetch('http://127.0.0.1:11434/api/chat', c.req.raw));
 */
export function ollamaMetrics(options: OllamaMetricsOptions): MiddlewareHandler {
  const context = options.context ?? new CaptureContext(options);
  const header = options.projectHeader ?? DEFAULT_PROJECT_HEADER;
  const projectOf = options.project ?? ((c: Context) => c.req.header(header));

  return async function ollamaMetrics(c, next) {
    const operation = c.req.method === 'POST' ? operationForPath(c.req.path) : null;
    if (operation === null) return next();

    let project: string | null = null;
    try {
      project = projectOf(c) ?? null;
    } catch (error) {
      context.onError(error);
    }
    const capture = context.begin({
      endpoint: c.req.path,
      operation,
      project,
      requestModel: modelOfRequest(c.req.raw),
    });

    try {
      await next();
    } finally {
      const res = c.res;
      capture.respond(res.status, res.headers.get('content-type'), c.error);
      if (res.body === null) {
        keepAlive(c, capture.finish());
      } else {
        // A compressed body goes out as it came; the capture reads a decompressed copy.
        const observer = decodingObserver(
          res.headers.get('content-encoding'),
          { chunk: (bytes) => capture.chunk(bytes), end: (outcome) => capture.finish(outcome) },
          webInflater,
        );
        // Kept alive from the body's end, not from the record's: by then the request may be over.
        const end = (outcome: CaptureEnd) => keepAlive(c, Promise.resolve(observer.end(outcome)));
        c.res = new Response(observeBody(res.body, { chunk: (bytes) => observer.chunk(bytes), end }), res);
      }
    }
  };
}

// On Workers, the record is written after the response through waitUntil; elsewhere the
// promise simply runs (it never rejects).
function keepAlive(c: Context, promise: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No ExecutionContext outside Workers.
  }
}
