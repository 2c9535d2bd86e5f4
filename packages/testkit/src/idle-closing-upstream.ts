/**
 * A stand-in upstream on a raw `net` server that loses the keep-alive race the way Go's
 * http server (Ollama) does: it answers the first request of each connection and keeps the
 * connection open, then destroys the socket the moment the next request's first bytes
 * arrive — as when Ollama closes an idle connection just as a request is written on it.
 * Requests with a Content-Length body only (what the gateway forwards for a sized body).
 */
import { createServer, type Socket } from 'node:net';

/** A request the upstream read in full and answered. */
export interface AnsweredRequest {
  /** 1 for the first connection accepted, 2 for the next… */
  connection: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A running {@link startIdleClosingUpstream}. */
export interface IdleClosingUpstream {
  url: string;
  /** Requests answered, in order. */
  answered: AnsweredRequest[];
  /** Sockets destroyed as a request arrived on them (a reused connection, or `resetPaths`). */
  cut: number;
  close(): Promise<void>;
}

/** Options of {@link startIdleClosingUpstream}. */
export interface IdleClosingUpstreamOptions {
  /** Paths whose requests are cut on any connection, fresh ones too (a really broken upstream). */
  resetPaths?: string[];
  /**
   * When a reused connection is cut: as the next request's first bytes arrive (default), or
   * once that request has arrived in full (its bytes all sent before the cut).
   */
  cutReused?: 'first-bytes' | 'whole-request';
}

// A complete non-streamed chat answer, so the gateway's record of it is a success.
const ANSWER = JSON.stringify({
  model: 'llama3.2',
  created_at: '2026-11-30T08:00:00.000000000Z',
  message: { role: 'assistant', content: 'Hi.' },
  done_reason: 'stop',
  done: true,
  total_duration: 200_000_000,
  prompt_eval_count: 10,
  prompt_eval_duration: 10_000_000,
  eval_count: 2,
  eval_duration: 40_000_000,
});

/**
 * Starts the upstream on 127.0.0.1 (an ephemeral port).
 *
 * @example
 * const ollama = await startIdleClosingUpstream();
 * // through a keep-alive pool: the first request is answered, the second one is cut
 */
export async function startIdleClosingUpstream(options: IdleClosingUpstreamOptions = {}): Promise<IdleClosingUpstream> {
  const resetPaths = new Set(options.resetPaths ?? []);
  const cutWhole = options.cutReused === 'whole-request';
  const sockets = new Set<Socket>();
  let connections = 0;
  const upstream: IdleClosingUpstream = { url: '', answered: [], cut: 0, close };

  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let served = 0;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (served > 0 && cutWhole === false) return cut(socket);
      pending = Buffer.concat([pending, chunk]);
      const request = parseRequest(pending);
      if (request === null) return;
      pending = Buffer.alloc(0);
      if (served > 0 || resetPaths.has(request.path)) return cut(socket);
      served++;
      upstream.answered.push({ connection, ...request });
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(ANSWER)}\r\nConnection: keep-alive\r\n\r\n${ANSWER}`,
      );
    });
  });

  function cut(socket: Socket): void {
    upstream.cut++;
    socket.destroy();
  }

  function close(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  upstream.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return upstream;
}

/** The request in `bytes` once its head and Content-Length body are all there, else `null`. */
function parseRequest(bytes: Buffer): Omit<AnsweredRequest, 'connection'> | null {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [requestLine = '', ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(headEnd + 4);
  if (body.length < length) return null;
  const [method = '', path = ''] = requestLine.split(' ');
  return { method, path, headers, body: Buffer.from(body.subarray(0, length)) };
}
