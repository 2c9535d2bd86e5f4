/**
 * Header lists in Node's raw form (`[name, value, name, value, …]`, case and repeats kept)
 * filtered for the next hop: connection-specific headers and the ones `Connection` names
 * are dropped. Used by the Node data path in both directions.
 */

/** What {@link forwardedHeaders} returns. */
export interface ForwardedHeaders {
  /** Raw header list for `http.request` / `writeHead`. */
  headers: string[];
  /** The Content-Type value, if any (the capture reads the body format from it). */
  contentType: string | null;
}

/**
 * Filters `raw` (an `IncomingMessage.rawHeaders`), dropping every name in `drop`
 * (lower-case) and those listed in `Connection`. With `host`, the headers are a request's:
 * `Host` is set to it, and a body that came chunked goes on chunked (Node re-frames it).
 *
 * @example
 * forwardedHeaders(req.rawHeaders, new Set(['connection', 'host']), '127.0.0.1:11434').headers
 */
export function forwardedHeaders(raw: string[], drop: ReadonlySet<string>, host?: string): ForwardedHeaders {
  let listed: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    // Nearly always one option (`keep-alive`, `close`), already dropped: no list to build
    // on every request (the split and its Set showed in profiles of the data path).
    const value = raw[i + 1] as string;
    const names = value.includes(',') ? value.split(',') : [value];
    for (const name of names) {
      const lower = name.trim().toLowerCase();
      if (drop.has(lower)) continue;
      listed ??= new Set();
      listed.add(lower);
    }
  }
  const headers: string[] = [];
  let contentType: string | null = null;
  let chunked = false;
  let sized = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') chunked = true;
    if (drop.has(lower) || listed?.has(lower) === true) continue;
    const value = raw[i + 1] as string;
    if (lower === 'content-type') contentType ??= value;
    else if (lower === 'content-length') sized = true;
    headers.push(name, value);
  }
  if (host !== undefined) {
    headers.push('Host', host);
    if (chunked && !sized) headers.push('Transfer-Encoding', 'chunked');
  }
  return { headers, contentType };
}
