/**
 * The gateway's data path: forwards a request to Ollama and hands back its response as
 * it arrives — status, headers and body unchanged — with hop-by-hop headers dropped and
 * `Host` rewritten to the upstream's (Ollama answers 403 to a non-local Host).
 * Web-standard (fetch + streams), so the same code serves Node and Workers.
 */
import type { Context } from 'hono';
import { errorResponse } from '../http/errors.js';
import { presentsToken } from '../http/gateway-token.js';
import {
  HOP_BY_HOP,
  type UpstreamTimeoutOptions,
  type UpstreamTimeouts,
  upstreamFailure,
  upstreamTimeouts,
} from './contract.js';
import { fetchBody, lostConnection } from './fetch-retry.js';

function withoutHopByHop(source: Headers): Headers {
  const headers = new Headers(source);
  const listed = source.get('connection');
  if (listed !== null) for (const name of listed.split(',')) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

/** Options of {@link proxyTo}. */
export interface ProxyOptions extends UpstreamTimeoutOptions {
  /** The fetch to reach Ollama with. Default: global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** The gateway's API token: an `Authorization` presenting it is not forwarded. */
  withheldToken?: string | undefined;
}

/**
 * Passes `body` through, cutting it with the idle TimeoutError when no chunk arrives within
 * `timeouts.idleMs` (then `onIdle` aborts the upstream request, so Ollama stops generating).
 */
export function withIdleTimeout(
  body: ReadableStream<Uint8Array>,
  timeouts: UpstreamTimeouts,
  onIdle: (error: Error) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timeouts.idleError()), timeouts.idleMs);
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
  const timeouts = upstreamTimeouts(options);

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
    const firstByte = setTimeout(() => upstream.abort(timeouts.firstByteError()), timeouts.firstByteMs);
    const headers = withoutHopByHop(c.req.raw.headers);
    if (presentsToken(headers.get('authorization'), options.withheldToken)) headers.delete('authorization');
    let res: Response;
    try {
      const { body, replayable } = hasBody ? await fetchBody(c.req.raw) : { body: null, replayable: true };
      const send = () =>
        doFetch(target, {
          method,
          headers,
          body,
          redirect: 'manual',
          signal: upstream.signal,
          // Node's fetch needs this to stream a request body.
          duplex: 'half',
        } as RequestInit);
      // Lost the keep-alive race (see fetch-retry.ts): once more, while the body can be sent again.
      res = await send().catch((error: unknown) => {
        if (!replayable || upstream.signal.aborted || !lostConnection(error)) throw error;
        return send();
      });
    } catch (error) {
      clientSignal.removeEventListener('abort', onClientGone);
      if (clientSignal.aborted) return new Response(null, { status: 499 });
      const failure = upstreamFailure(base, upstream.signal.aborted ? upstream.signal.reason : error);
      return errorResponse(c, failure.status, failure.code, failure.message);
    } finally {
      clearTimeout(firstByte);
    }
    const answerHeaders = withoutHopByHop(res.headers);
    // fetch has already decoded a compressed body; its encoding and length no longer apply.
    if (answerHeaders.has('content-encoding')) {
      answerHeaders.delete('content-encoding');
      answerHeaders.delete('content-length');
    }
    const body = res.body === null ? null : withIdleTimeout(res.body, timeouts, (error) => upstream.abort(error));
    return new Response(body, { status: res.status, statusText: res.statusText, headers: answerHeaders });
  };
}
