/**
 * The gateway's data path: forwards a request to Ollama and hands back its response as
 * it arrives — status, headers and body unchanged — with hop-by-hop headers dropped and
 * `Host` rewritten to the upstream's (Ollama answers 403 to a non-local Host).
 * Web-standard (fetch + streams), so the same code serves Node and Workers.
 */
import { errorTypeOfThrown, messageOfThrown } from '@ollama-perf/middleware';
import type { Context } from 'hono';
import { errorResponse } from './errors.js';

/** RFC 9110 §7.6.1 connection-specific headers, plus `host` (set from the upstream's URL). */
export const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];

function withoutHopByHop(source: Headers): Headers {
  const headers = new Headers(source);
  const listed = source.get('connection');
  if (listed !== null) for (const name of listed.split(',')) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

/** Options of {@link proxyTo}. */
export interface ProxyOptions {
  /** The fetch to reach Ollama with. Default: global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Longest wait for Ollama's response headers, ms (a cold load can take minutes). Default 600000. */
  firstByteTimeoutMs?: number | undefined;
  /** Longest silence between two body chunks, ms; the stream is then cut. Default 300000. */
  idleTimeoutMs?: number | undefined;
}

/** The answer to a request Ollama did not answer: 504 after a timeout, else 502. */
export function upstreamFailure(
  base: URL,
  reason: unknown,
): { status: 502 | 504; code: 'upstream_timeout' | 'upstream_unreachable'; message: string } {
  const timedOut = errorTypeOfThrown(reason) === 'upstream_timeout';
  return {
    status: timedOut ? 504 : 502,
    code: timedOut ? 'upstream_timeout' : 'upstream_unreachable',
    message: `Ollama at ${base.origin} did not answer: ${messageOfThrown(reason)}`,
  };
}

/** An Error that `errorTypeOfThrown()` reads as `upstream_timeout`. */
export function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = 'TimeoutError';
  return error;
}

/**
 * Passes `body` through, cutting it with a TimeoutError when no chunk arrives within
 * `idleMs` (then `onIdle` aborts the upstream request, so Ollama stops generating).
 */
export function withIdleTimeout(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  onIdle: (error: Error) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timeoutError(`Ollama sent nothing for ${idleMs} ms`)), idleMs);
        });
        try {
          const result = await Promise.race([reader.read(), idle]);
          if (result.done) controller.close();
          else controller.enqueue(result.value);
        } catch (error) {
          if ((error as Error).name === 'TimeoutError') {
            onIdle(error as Error);
            reader.cancel(error).catch(() => undefined);
          }
          controller.error(error);
        } finally {
          if (timer !== undefined) clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * A handler that proxies to `upstream` (e.g. `http://127.0.0.1:11434`). An unreachable
 * upstream answers 502 `{ error: { code: "upstream_unreachable", … } }`.
 */
export function proxyTo(upstream: string, options: ProxyOptions = {}) {
  const base = new URL(upstream);
  const basePath = base.pathname.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const firstByteMs = options.firstByteTimeoutMs ?? 600_000;
  const idleMs = options.idleTimeoutMs ?? 300_000;

  return async function proxy(c: Context): Promise<Response> {
    const incoming = new URL(c.req.url);
    const target = new URL(base);
    target.pathname = basePath + incoming.pathname;
    target.search = incoming.search;
    const method = c.req.method;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // One signal for everything that ends the upstream request: the client leaving, a timeout.
    const upstream = new AbortController();
    const clientSignal = c.req.raw.signal;
    const onClientGone = () => upstream.abort(clientSignal.reason);
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    const firstByte = setTimeout(
      () => upstream.abort(timeoutError(`Ollama did not answer within ${firstByteMs} ms`)),
      firstByteMs,
    );
    let res: Response;
    try {
      res = await doFetch(target, {
        method,
        headers: withoutHopByHop(c.req.raw.headers),
        body: hasBody ? c.req.raw.body : null,
        redirect: 'manual',
        signal: upstream.signal,
        // Node's fetch needs this to stream a request body.
        duplex: 'half',
      } as RequestInit);
    } catch (error) {
      clientSignal.removeEventListener('abort', onClientGone);
      if (clientSignal.aborted) return new Response(null, { status: 499 });
      const failure = upstreamFailure(base, upstream.signal.aborted ? upstream.signal.reason : error);
      return errorResponse(c, failure.status, failure.code, failure.message);
    } finally {
      clearTimeout(firstByte);
    }
    const headers = withoutHopByHop(res.headers);
    // fetch has already decoded a compressed body; its encoding and length no longer apply.
    if (headers.has('content-encoding')) {
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    const body = res.body === null ? null : withIdleTimeout(res.body, idleMs, (error) => upstream.abort(error));
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
}
