/**
 * The keep-alive race on the Node data path: Ollama (Go's http server) closes idle pooled
 * connections, and a request written on one just as it is closed fails with ECONNRESET
 * ("socket hang up") or EPIPE before any answer. Go closes only a connection it is not
 * reading a request on, so Ollama never saw that request: it is sent again, once, on a fresh
 * connection (Node's `request.reusedSocket` docs suggest the same). That needs the body
 * again, so the body is kept while it is piped, up to a bound (Ollama's are small JSON);
 * a larger one is not retried.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { MAX_REPLAY_BYTES } from './contract.js';

const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Whether `error` is `request` losing the keep-alive race: it went out on a pooled
 * connection, and the connection was reset or closed under it before any answer.
 */
export function lostPooledConnection(request: ClientRequest, error: unknown): boolean {
  return request.reusedSocket && CONNECTION_LOST.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * A copy of a request body, kept as it is piped upstream, for one replay; dropped once it
 * grows over `limit` bytes.
 *
 * @example
 * req.pipe(outgoing);
 * const body = new ReplayableBody(req);
 * // later, on a fresh connection:
 * if (body.replayable) body.replayInto(retry);
 */
export class ReplayableBody {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Whether the body seen so far is all kept. */
  replayable = true;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit = MAX_REPLAY_BYTES,
  ) {
    // Attached after the pipe: the first attempt gets each chunk before it is kept here.
    req.on('data', this.keep);
  }

  private readonly keep = (chunk: Buffer): void => {
    if (!this.replayable) return;
    this.size += chunk.length;
    if (this.size <= this.limit) {
      this.chunks.push(chunk);
      return;
    }
    this.replayable = false;
    this.chunks = [];
    this.req.off('data', this.keep);
  };

  /** Writes the body kept so far into `request`, and pipes the rest of it as it arrives. */
  replayInto(request: ClientRequest): void {
    for (const chunk of this.chunks) request.write(chunk);
    if (this.req.readableEnded) request.end();
    else this.req.pipe(request);
  }
}
