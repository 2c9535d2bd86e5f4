/**
 * `withMetrics()` — wraps an `ollama` client instance so calls made in application code
 * (generate, chat, embed, embeddings; streamed or not) record the same metrics as the
 * HTTP middleware, for tools that call Ollama directly and serve no HTTP of their own.
 */
import { type Operation, operationForPath } from '@ollama-perf/core';
import { CaptureContext, type CaptureOptions, type RequestCapture } from './capture.js';
import { errorTypeOfThrown, messageOfThrown } from './thrown-error.js';

/** Options of {@link withMetrics}. */
export interface WithMetricsOptions extends CaptureOptions {
  /** Project recorded with every call. Default none. */
  project?: string | null;
}

const ENDPOINTS: Readonly<Record<string, string>> = {
  generate: '/api/generate',
  chat: '/api/chat',
  embed: '/api/embed',
  embeddings: '/api/embeddings',
};

/**
 * Returns a client that behaves exactly like `client` and records one metric per
 * generate / chat / embed / embeddings call. Errors are rethrown unchanged; streams are
 * yielded part by part as they arrive.
 *
 * @example
 * const ollama = withMetrics(new Ollama({ host }), { sink: httpSink({ url }) });
 * for await (const part of await ollama.chat({ model, messages, stream: true })) …
 */
export function withMetrics<T extends object>(client: T, options: WithMetricsOptions): T {
  const context = new CaptureContext(options);
  const project = options.project ?? null;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      const endpoint = typeof property === 'string' ? ENDPOINTS[property] : undefined;
      if (endpoint === undefined || typeof value !== 'function') return value;
      const operation = operationForPath(endpoint) as Operation;
      return async (request: unknown, ...rest: unknown[]) => {
        const model = (request as { model?: unknown } | null)?.model;
        const capture = context.begin({
          endpoint,
          operation,
          project,
          requestModel: typeof model === 'string' ? model : null,
        });
        let result: unknown;
        try {
          result = await (value as (...args: unknown[]) => unknown).call(target, request, ...rest);
        } catch (error) {
          capture.respond(statusOfThrown(error), 'application/json', error);
          capture.object({ error: messageOfThrown(error) });
          void capture.finish();
          throw error;
        }
        if (isAsyncIterable(result)) {
          capture.respond(200, 'application/x-ndjson');
          return observeIterable(result, capture);
        }
        capture.respond(200, 'application/json');
        capture.object(result);
        void capture.finish();
        return result;
      };
    },
  });
}

function statusOfThrown(error: unknown): number {
  const status = (error as { status_code?: unknown } | null)?.status_code;
  if (typeof status === 'number') return status;
  const type = errorTypeOfThrown(error);
  return type === 'upstream_timeout' ? 504 : type === 'upstream_unreachable' ? 502 : 500;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

// Keeps the client's iterator object (and its `abort()`), observing what it yields.
function observeIterable<I extends AsyncIterable<unknown>>(iterable: I, capture: RequestCapture): I {
  return new Proxy(iterable, {
    get(target, property, receiver) {
      if (property === Symbol.asyncIterator) return () => observed(target, capture);
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function* observed(iterable: AsyncIterable<unknown>, capture: RequestCapture): AsyncGenerator<unknown> {
  let ended = false;
  try {
    for await (const part of iterable) {
      capture.object(part);
      yield part;
    }
    ended = true;
  } catch (error) {
    ended = true;
    const aborted = error instanceof Error && error.name === 'AbortError';
    if (!aborted) capture.object({ error: messageOfThrown(error) });
    void capture.finish(aborted ? { aborted: true } : {});
    throw error;
  } finally {
    if (!ended) {
      // Leaving the loop early (break, return) abandons the stream: the caller went away. The
      // client leaves the HTTP response open then, so Ollama would generate on: abort it.
      abortQuietly(iterable);
      void capture.finish({ aborted: true });
    } else {
      void capture.finish();
    }
  }
}

function abortQuietly(iterable: AsyncIterable<unknown>): void {
  try {
    (iterable as { abort?: () => void }).abort?.();
  } catch {
    // Nothing to stop.
  }
}
