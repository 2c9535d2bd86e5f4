/**
 * Raw HTTP for tests: sends requests with `node:http` where fetch cannot — a fresh
 * connection per request (a refused upload closes its socket), Latin-1 header bytes, a body
 * of a known framing (Content-Length or chunked), a compressed answer read as it came
 * (fetch would decompress it). Serving on a port: `serve-on-port.ts`.
 */
import { request as httpRequest } from 'node:http';

/** What {@link rawRequest} got back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  method?: string;
  /** Header values are sent as Latin-1 bytes, unchecked beyond what Node itself refuses. */
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body with `Transfer-Encoding: chunked` (in 1 MiB writes) instead of a Content-Length. */
  chunked?: boolean;
}

/**
 * One request on its own connection. Resolves with the answer even when the server
 * answers before the body is fully sent (413) and then closes the socket.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body =
      options.body === undefined
        ? undefined
        : Buffer.isBuffer(options.body)
          ? options.body
          : Buffer.from(options.body, 'utf8');
    const headers: Record<string, string | number> = { ...options.headers };
    if (body !== undefined && options.chunked !== true) headers['content-length'] = body.length;
    let answered = false;
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // The server may close the socket while the rest of a refused body is still being written.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body === undefined) {
      req.end();
      return;
    }
    if (options.chunked === true) {
      const step = 1024 * 1024;
      for (let at = 0; at < body.length; at += step) req.write(body.subarray(at, at + step));
      req.end();
      return;
    }
    req.end(body);
  });
}
