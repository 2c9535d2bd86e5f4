/**
 * The keep-alive race on the fetch data path (the Hono app: Workers, and unusual request
 * targets on Node). Ollama (Go's http server) closes idle pooled connections; undici, Node's
 * fetch, fails a POST written on one just then ("other side closed") and does not say whether
 * the connection was pooled. So a request whose connection was reset before any answer is sent
 * once more — when its body can be: one of known length up to `MAX_REPLAY_BYTES`, read before
 * the first attempt. Other bodies stream through as before and are not retried.
 */
import { MAX_REPLAY_BYTES } from './contract.js';

/** A request body for fetch, and whether it can be sent a second time. */
export interface FetchBody {
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  replayable: boolean;
}

/**
 * The body of `request` as the proxy sends it: read in full when it is small and of known
 * length (so it can be sent again), else the stream itself.
 *
 * @example
 * const { body, replayable } = await fetchBody(c.req.raw);
 */
export async function fetchBody(request: Request): Promise<FetchBody> {
  if (request.body === null) return { body: null, replayable: true };
  const length = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!Number.isSafeInteger(length) || length > MAX_REPLAY_BYTES) return { body: request.body, replayable: false };
  return { body: await request.arrayBuffer(), replayable: true };
}

const CONNECTION_LOST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Whether a fetch failed because its connection was closed or reset before any answer. */
export function lostConnection(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && CONNECTION_LOST.has(code);
}
