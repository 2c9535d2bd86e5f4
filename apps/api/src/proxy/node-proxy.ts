/**
 * The gateway's data path on Node: forwards a proxied request to Ollama with `http.request`
 * over a keep-alive pool and pipes the answer back as it arrives — status, headers and
 * bytes unchanged, hop-by-hop headers dropped, `Host` rewritten to the upstream's — while
 * every chunk also goes to the capture the Hono middleware uses (`RequestCapture`).
 * fetch, Web streams and Response objects cost about 2 ms a request on Node
 * (bench/RESULTS.md); this path keeps what `fetch-proxy.ts` + `ollamaMetrics()` promise — the
 * same timeouts, JSON errors and records — without them. Workers keep `fetch-proxy.ts`; both follow `contract.ts`.
 * A request that loses the keep-alive race with Ollama is sent again once (`keep-alive-retry.ts`).
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { operationForPath } from '@ollama-perf/core';
import {
  type CaptureContext,
  type CaptureEnd,
  DEFAULT_PROJECT_HEADER,
  type DecodedBodyObserver,
  decodingObserver,
  modelScanner,
  type RequestCapture,
} from '@ollama-perf/middleware';
import { nodeInflater } from '@ollama-perf/middleware/node';
import { presentsToken } from '../http/gateway-token.js';
import {
  HOP_BY_HOP,
  type UpstreamFailure,
  type UpstreamTimeoutOptions,
  type UpstreamTimeouts,
  upstreamFailure,
  upstreamTimeouts,
} from './contract.js';
import { lostPooledConnection, ReplayableBody } from './keep-alive-retry.js';
import { forwardedHeaders } from './raw-headers.js';

/** Options of {@link nodeProxy}. */
export interface NodeProxyOptions extends UpstreamTimeoutOptions {
  /** Ollama's base URL, e.g. `http://127.0.0.1:11434` (a path prefix is kept). */
  upstream: string;
  /** Where inference requests are recorded; shared with the Hono app's middleware. */
  context: CaptureContext;
  /** Request header naming the project. Default `X-Project-Name`. */
  projectHeader?: string | undefined;
  /** The gateway's API token: an `Authorization` presenting it is not forwarded. */
  withheldToken?: string | undefined;
}

/** The Node data path; see {@link nodeProxy}. */
export interface NodeProxy {
  /**
   * Forwards one request. `target` is its origin-form request target (path and query) as
   * received, `path` the path alone (for the record's endpoint and operation).
   */
  forward(req: IncomingMessage, res: ServerResponse, target: string, path: string): void;
  /** Closes the idle upstream connections. */
  close(): void;
}

// Node already answered `Expect: 100-continue` itself; the body follows either way.
const DROP_REQUEST = new Set([...HOP_BY_HOP, 'expect']);
const DROP_RESPONSE = new Set(HOP_BY_HOP);

/**
 * Builds the Node data path to `upstream`.
 *
 * @example
 * const proxy = nodeProxy({ upstream: 'http://127.0.0.1:11434', context: new CaptureContext({ sink }) });
 * createServer((req, res) => proxy.forward(req, res, req.url ?? '/', new URL(req.url ?? '/', 'http://x').pathname));
 */
export function nodeProxy(options: NodeProxyOptions): NodeProxy {
  const base = new URL(options.upstream);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, scheduling: 'lifo' })
    : new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const send = secure ? httpsRequest : httpRequest;
  const basePath = base.pathname.replace(/\/$/, '');
  // URL.hostname keeps an IPv6 address in brackets; http.request wants it bare.
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = base.port === '' ? (secure ? 443 : 80) : Number(base.port);
  const header = (options.projectHeader ?? DEFAULT_PROJECT_HEADER).toLowerCase();
  const timeouts = upstreamTimeouts(options);
  const context = options.context;
  const withheld = options.withheldToken;

  return {
    forward(req, res, target, path) {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const operation = req.method === 'POST' ? operationForPath(path) : null;
      let capture: RequestCapture | null = null;
      let modelFound: ((model: string | null) => void) | undefined;
      if (operation !== null) {
        const project = req.headers[header];
        capture = context.begin({
          endpoint: path,
          operation,
          project: (Array.isArray(project) ? project.join(', ') : project) ?? null,
          requestModel: new Promise<string | null>((resolve) => (modelFound = resolve)),
        });
      }
      const upstreamOptions: RequestOptions = {
        hostname,
        port,
        path: basePath + target,
        method: req.method ?? 'GET',
        headers: withoutToken(forwardedHeaders(req.rawHeaders, DROP_REQUEST, base.host).headers, withheld),
        agent,
      };
      let outgoing!: ClientRequest;
      let answered = false;
      let clientGone = false;
      let retried = false;
      let body: ReplayableBody | null = null;

      const onResponse = (answer: IncomingMessage) => {
        clearTimeout(firstByte);
        answered = true;
        const { headers, contentType } = forwardedHeaders(answer.rawHeaders, DROP_RESPONSE);
        const status = answer.statusCode ?? 502;
        try {
          res.writeHead(status, answer.statusMessage, headers);
        } catch (error) {
          // Headers Node's client parser took but its server refuses to send: cut, and say why.
          capture?.respond(502, null);
          void capture?.finish({ error });
          outgoing.destroy();
          res.destroy();
          return;
        }
        capture?.respond(status, contentType);
        // A compressed answer goes out as it came; the capture reads a decompressed copy.
        const observer =
          capture === null
            ? null
            : decodingObserver(answer.headers['content-encoding'], observerOf(capture), nodeInflater);
        pipeAnswer(answer, res, observer, timeouts, (error) => outgoing.destroy(error));
      };

      // One attempt on the pool; a second on a fresh connection only after losing the keep-alive race.
      const attempt = (options: RequestOptions): boolean => {
        try {
          outgoing = send(options);
        } catch (error) {
          // A request Node will not send on (a header value it refuses): as fetch's refusal does.
          req.resume();
          answerFailure(res, capture, upstreamFailure(base, error));
          return false;
        }
        const request = outgoing;
        request.on('error', (error) => {
          if (request !== outgoing || answered || clientGone) return;
          if (!retried && (body?.replayable ?? true) && lostPooledConnection(request, error)) {
            retried = true;
            if (!attempt({ ...options, agent: false })) return clearTimeout(firstByte);
            if (body === null) outgoing.end();
            else body.replayInto(outgoing);
            return;
          }
          clearTimeout(firstByte);
          answerFailure(res, capture, upstreamFailure(base, error));
        });
        request.once('response', onResponse);
        return true;
      };
      if (!attempt(upstreamOptions)) return;

      const firstByte = setTimeout(() => outgoing.destroy(timeouts.firstByteError()), timeouts.firstByteMs);

      // A client that leaves stops the upstream request, so Ollama stops generating.
      res.once('close', () => {
        if (res.writableFinished) return;
        clientGone = true;
        clearTimeout(firstByte);
        outgoing.destroy();
        // Once answered, pipeAnswer ends the capture: after the bytes the client got are read.
        if (answered) return;
        capture?.respond(499, null);
        void capture?.finish({ aborted: true });
      });

      if (hasBody) {
        req.pipe(outgoing);
        body = new ReplayableBody(req);
      } else outgoing.end();
      // Scanned after the pipe is set up, so each chunk goes upstream before it is read here.
      if (modelFound !== undefined) scanModel(req, modelFound);
    },
    close() {
      agent.destroy();
    },
  };
}

/** `headers` (a raw list) without the `Authorization` values that present the gateway's `token`. */
function withoutToken(headers: string[], token: string | undefined): string[] {
  if (token === undefined || token === '') return headers;
  for (let i = 0; i < headers.length; i += 2) {
    if ((headers[i] as string).toLowerCase() === 'authorization' && presentsToken(headers[i + 1], token)) {
      headers.splice(i, 2);
      i -= 2;
    }
  }
  return headers;
}

/** Answers the JSON error `fetch-proxy.ts` gives when Ollama did not answer, and records it. */
function answerFailure(res: ServerResponse, capture: RequestCapture | null, failure: UpstreamFailure): void {
  const body = JSON.stringify({ error: { code: failure.code, message: failure.message } });
  res.writeHead(failure.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  capture?.respond(failure.status, 'application/json');
  capture?.chunk(body);
  void capture?.finish();
}

/** The capture as a body observer: chunks in, the end out. */
function observerOf(capture: RequestCapture): DecodedBodyObserver {
  return { chunk: (bytes) => capture.chunk(bytes), end: (outcome) => void capture.finish(outcome) };
}

/**
 * Pipes Ollama's answer to the client with backpressure, showing each chunk to the capture
 * (through its decompressor, if any) after it is handed on. The idle timer runs only while the
 * client is ready for more, so a slow reader is never taken for a silent Ollama.
 */
function pipeAnswer(
  answer: IncomingMessage,
  res: ServerResponse,
  capture: DecodedBodyObserver | null,
  timeouts: UpstreamTimeouts,
  abort: (error: Error) => void,
): void {
  let waitingForClient = false;
  let ended = false;
  let broken: unknown;
  const finish = (end?: { error: unknown }) => {
    if (ended) return;
    ended = true;
    clearTimeout(idle);
    // Queued behind the chunks' observation (below), so the capture sees them all first.
    if (capture !== null) process.nextTick(finishCapture, capture, end);
  };
  const idle = setTimeout(() => {
    if (waitingForClient || ended) return;
    const error = timeouts.idleError();
    finish({ error });
    abort(error);
    res.destroy();
  }, timeouts.idleMs);

  res.once('close', () => {
    clearTimeout(idle);
    // The client left: recorded after the chunks it got (queued below) are observed.
    if (ended || res.writableFinished) return;
    ended = true;
    if (capture !== null) process.nextTick(finishCapture, capture, { aborted: true });
  });
  answer.on('data', (chunk: Buffer) => {
    idle.refresh();
    if (!res.write(chunk)) {
      waitingForClient = true;
      answer.pause();
    }
    // Node flushes the write on the next tick: observing after it puts the client first.
    if (capture !== null) process.nextTick(observeChunk, capture, chunk);
  });
  res.on('drain', () => {
    if (!waitingForClient) return;
    waitingForClient = false;
    idle.refresh();
    answer.resume();
  });
  answer.once('end', () => {
    res.end();
    finish();
  });
  answer.on('error', (error) => {
    broken = error;
  });
  // Ollama (or the network) cut the answer: the client must see the cut, not a clean end.
  answer.once('close', () => {
    if (answer.complete || ended || res.destroyed) return;
    finish({ error: broken ?? new Error('Ollama closed the connection before the answer ended') });
    res.destroy();
  });
}

function observeChunk(capture: DecodedBodyObserver, chunk: Buffer): void {
  capture.chunk(chunk);
}

function finishCapture(capture: DecodedBodyObserver, end: CaptureEnd | undefined): void {
  void capture.end(end ?? {});
}

/** Resolves `found` with the `model` of a request body, read off the chunks as they are piped upstream. */
function scanModel(req: IncomingMessage, found: (model: string | null) => void): void {
  const scanner = modelScanner();
  const done = (model: string | null) => {
    req.off('data', onData);
    found(model);
  };
  const onData = (chunk: Buffer) => {
    const model = scanner.push(chunk);
    if (model !== undefined) done(model);
  };
  req.on('data', onData);
  req.once('end', () => done(null));
  req.once('close', () => done(null));
}
