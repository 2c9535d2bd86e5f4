/**
 * The servers a benchmark talks to, each started on 127.0.0.1 (ephemeral port): the
 * stand-in Ollama, and the four ways of putting something in front of it that the overhead
 * benchmark compares — a bare Hono proxy (the gateway's `proxyTo()`, no middleware), the
 * gateway as `ollama-perf serve` runs it (`gatewayListener()`: the Node data path for
 * proxied routes, `createApp()` for the rest; storage on its own thread) with the SQLite store
 * sink or with a no-op sink, and a plain
 * node:http piping proxy (the floor). `server-host.ts` runs one of them per child process.
 */
import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricSink } from '@ollama-perf/middleware';
import type { StandInOptions } from '@ollama-perf/testkit';
import type { Hono } from 'hono';

/** Which server to start, with what it needs. */
export type ServerSpec =
  | { kind: 'stand-in'; options?: StandInOptions }
  | { kind: 'bare-hono'; upstream: string }
  | {
      kind: 'gateway';
      upstream: string;
      databaseUrl: string;
      sink: 'store' | 'noop';
      /** `STATS_EXACT_UP_TO` (default: the gateway's). */
      statsExactUpTo?: number;
    }
  | { kind: 'node-proxy'; upstream: string };

/** What a server can tell about itself after a run (for sanity checks). */
export interface ServerInfo {
  /** Records the store sink wrote (gateway with `sink: 'store'`), else 0. */
  recordsWritten: number;
  /** Records the sink dropped or could not write. */
  recordsDropped: number;
  /** Measurement errors reported by the middleware. */
  metricErrors: number;
  /** Records handed to the no-op sink (gateway with `sink: 'noop'`), else 0. */
  recordsDiscarded: number;
}

/** A started server. */
export interface RunningServer {
  url: string;
  info(): ServerInfo;
  close(): Promise<void>;
}

const NO_INFO: ServerInfo = { recordsWritten: 0, recordsDropped: 0, metricErrors: 0, recordsDiscarded: 0 };

/**
 * Starts the server `spec` describes, in this process.
 *
 * @example
 * const ollama = await startServer({ kind: 'stand-in', options: { maxChunks: 1 } });
 * const gateway = await startServer({ kind: 'gateway', upstream: ollama.url, databaseUrl: 'sqlite:/tmp/x.sqlite', sink: 'store' });
 */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  switch (spec.kind) {
    case 'stand-in':
      return startStandIn(spec.options ?? {});
    case 'bare-hono': {
      const [{ Hono }, { proxyTo }] = await Promise.all([
        import('hono'),
        import('../../apps/api/src/proxy/fetch-proxy.ts'),
      ]);
      const app = new Hono();
      app.all('*', proxyTo(spec.upstream));
      return serveHono(
        app,
        () => NO_INFO,
        async () => undefined,
      );
    }
    case 'gateway':
      return startGateway(spec);
    case 'node-proxy':
      return startNodeProxy(spec.upstream);
  }
}

// Each child loads only what its server needs (start-up is seconds on a busy machine).
async function startStandIn(options: StandInOptions): Promise<RunningServer> {
  const { startStandInOllama } = await import('@ollama-perf/testkit');
  const standIn = await startStandInOllama(options);
  // The stand-in keeps every request it saw (tests read them); a benchmark sends hundreds of
  // thousands, and the growing heap would slow later rounds down. Forget them regularly.
  const forget = setInterval(() => {
    standIn.requests.length = 0;
  }, 500);
  forget.unref();
  return {
    url: standIn.url,
    info: () => NO_INFO,
    async close() {
      clearInterval(forget);
      await standIn.close();
    },
  };
}

async function startGateway(spec: Extract<ServerSpec, { kind: 'gateway' }>): Promise<RunningServer> {
  const { upstream, databaseUrl, sink: sinkKind, statsExactUpTo } = spec;
  const [{ gatewayListener }, { startStorageThread }] = await Promise.all([
    import('../../apps/api/src/proxy/node-listener.ts'),
    import('../../apps/api/src/storage/thread/client.ts'),
  ]);
  // As `ollama-perf serve` runs it: the database, its sink and /ingest on the storage thread.
  const storage = await startStorageThread({
    databaseUrl,
    spoolPath: join(tmpdir(), `ollama-perf-bench-${process.pid}-${Date.now()}.spool.jsonl`),
    rollupIntervalMs: 0,
    statsExactUpTo,
  });
  let metricErrors = 0;
  let discarded = 0;
  const sink: MetricSink =
    sinkKind === 'store'
      ? storage.sink
      : {
          write(records) {
            discarded += records.length;
          },
        };
  const gateway = gatewayListener({
    store: storage,
    sink,
    ollamaUrl: upstream,
    onMetricError: () => metricErrors++,
    sinkHealth: () => storage.health(),
  });
  const server = createServer(gateway.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    info: () => ({
      recordsWritten: sinkKind === 'store' ? storage.sinkStats().written : 0,
      recordsDropped: sinkKind === 'store' ? storage.sinkStats().dropped : 0,
      metricErrors,
      recordsDiscarded: discarded,
    }),
    async close() {
      await closeServer(server);
      gateway.close();
      await storage.stop();
    },
  };
}

async function serveHono(app: Hono, info: () => ServerInfo, release: () => Promise<void>): Promise<RunningServer> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (address: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        info,
        async close() {
          await closeServer(server as unknown as Server);
          await release();
        },
      });
    });
  });
}

// RFC 9110 §7.6.1: connection-specific headers do not cross a proxy.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** The floor: node:http in, node:http out, bodies piped both ways, a keep-alive pool upstream. */
async function startNodeProxy(upstream: string): Promise<RunningServer> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    const outgoing = request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...forwardable(req.headers), host: target.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // A client that leaves stops the upstream request, as the gateway does.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    info: () => NO_INFO,
    async close() {
      await closeServer(server);
      agent.destroy();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
