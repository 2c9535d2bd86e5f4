/**
 * The gateway's data path: forwards a request to Ollama and hands back its response as
 * it arrives — status, headers and body unchanged — with hop-by-hop headers dropped and
 * `Host` rewritten to the upstream's (Ollama answers 403 to a non-local Host).
 * Web-standard (fetch + streams), so the same code serves Node and Workers.
 */
import { messageOfThrown, errorTypeOfThrown } from '@ollama-perf/middleware';
import type { Context } from 'hono';
import { errorResponse } from './errors.js';

// RFC 9110 §7.6.1 connection-specific headers, plus `host` (fetch sets it from the URL).
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'];

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
  fetch?: typeof fetch;
}

/**
 * A handler that proxies to `upstream` (e.g. `http://127.0.0.1:11434`). An unreachable
 * upstream answers 502 `{ error: { code: "upstream_unreachable", … } }`.
 */
export function proxyTo(upstream: string, options: ProxyOptions = {}) {
  const base = new URL(upstream);
  const basePath = base.pathname.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  return async function proxy(c: Context): Promise<Response> {
    const incoming = new URL(c.req.url);
    const target = new URL(base);
    target.pathname = basePath + incoming.pathname;
    target.search = incoming.search;
    const method = c.req.method;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let res: Response;
    try {
      res = await doFetch(target, {
        method,
        headers: withoutHopByHop(c.req.raw.headers),
        body: hasBody ? c.req.raw.body : null,
        redirect: 'manual',
        signal: c.req.raw.signal,
        // Node's fetch needs this to stream a request body.
        duplex: 'half',
      } as RequestInit);
    } catch (error) {
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      const timedOut = errorTypeOfThrown(error) === 'upstream_timeout';
      return errorResponse(
        c,
        timedOut ? 504 : 502,
        timedOut ? 'upstream_timeout' : 'upstream_unreachable',
        `Ollama at ${base.origin} did not answer: ${messageOfThrown(error)}`,
      );
    }
    const headers = withoutHopByHop(res.headers);
    // fetch has already decoded a compressed body; its encoding and length no longer apply.
    if (headers.has('content-encoding')) {
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}
