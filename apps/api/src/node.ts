/**
 * The gateway on Node: starts the storage thread (which opens the store named by
 * `DATABASE_URL`, embedded SQLite by default, and does all database work), serves
 * `gatewayListener()` (the lean node:http data path for proxied requests, `createApp()` for
 * the reserved routes) with node:http, and on SIGINT/SIGTERM stops accepting, lets in-flight
 * responses finish (up to a deadline) and flushes every pending record before exiting.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from './config.js';
import { monitorProxyEventLoop } from './proxy/event-loop-delay.js';
import { gatewayListener } from './proxy/node-listener.js';
import { describeAvailabilityChange } from './residency/availability-tracker.js';
import { ResidencySampler } from './residency/sampler.js';
import { defaultSpoolPath, describeDatabase } from './storage/open-node.js';
import { startStorageThread } from './storage/thread/client.js';

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight responses (up to `graceMs`), flushes records, closes storage. */
  stop(graceMs?: number): Promise<void>;
}

// A failing poll is logged once, not every 10 s, until it works again.
function onceUntilRecovered(what: string) {
  let failing = false;
  return {
    report(error: unknown) {
      if (!failing) console.error(`[ollama-perf] ${what}: ${error instanceof Error ? error.message : String(error)}`);
      failing = true;
    },
    recovered(events: unknown[] | null) {
      if (events !== null) failing = false;
    },
  };
}

/** What `startGateway` takes besides the configuration. */
export interface GatewayOptions {
  /**
   * A module whose `openStore(url)` opens the database on the storage thread instead of the
   * default opener (tests wrap the store to slow it down or make it fail).
   */
  storageOpener?: string | undefined;
}

/** Starts the gateway; rejects with a one-line Error when the database or the port is unusable. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  // Every database call runs on the storage thread: the thread that proxies never waits for one.
  const storage = await startStorageThread({
    databaseUrl: config.databaseUrl,
    spoolPath: config.spoolPath ?? defaultSpoolPath(config.databaseUrl),
    rollupIntervalMs: config.rollupIntervalMs,
    statsExactUpTo: config.statsExactUpTo,
    perfLog:
      config.perfLog === undefined ? undefined : { path: config.perfLog, maxBytes: config.perfLogMaxMb * 2 ** 20 },
    openerModule: options.storageOpener,
  }).catch((error: unknown) => {
    throw new Error(`cannot open the database (${describeDatabase(config.databaseUrl)}): ${(error as Error).message}`);
  });
  const eventLoop = monitorProxyEventLoop();
  const sampler = new ResidencySampler({
    store: storage,
    ollamaUrl: config.ollamaUrl,
    intervalMs: config.residencyIntervalMs,
    onError: (error) => sampleErrors.report(error),
    onAvailability: (change) => console.error(`[ollama-perf] ${describeAvailabilityChange(change, config.ollamaUrl)}`),
  });
  const sampleErrors = onceUntilRecovered('cannot store what Ollama has loaded (/api/ps)');
  const sampling = config.residencyIntervalMs > 0;
  let poll: ReturnType<typeof setInterval> | undefined;
  const gateway = gatewayListener({
    hostname: config.host,
    store: storage,
    // A cold start means Ollama just loaded (and maybe evicted) a model: sample right away.
    sink: {
      write(records) {
        storage.sink.write(records);
        if (poll !== undefined && records.some((r) => r.cold_start === true))
          void sampler.sample().then(sampleErrors.recovered);
      },
    },
    residencySampledAt: () => sampler.lastSampleAt,
    ollamaUrl: config.ollamaUrl,
    apiToken: config.apiToken,
    coldStartMs: config.coldStartMs,
    projectHeader: config.projectHeader,
    sinkHealth: () => storage.health(),
    eventLoopHealth: () => eventLoop.read(),
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    corsOrigins: config.corsOrigins,
  });

  const server = createServer(gateway.listener);
  server.listen(config.port, config.host);
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (error: NodeJS.ErrnoException) => {
      eventLoop.stop();
      void storage.stop();
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${config.port} on ${config.host} is already in use (set PORT or --port)`
            : `cannot listen on ${config.host}:${config.port}: ${error.message}`,
        ),
      );
    });
  });
  // Sample only once serving: a start-up that fails must not leave a poll behind.
  if (sampling) {
    poll = setInterval(() => void sampler.sample().then(sampleErrors.recovered), config.residencyIntervalMs);
    poll.unref();
    void sampler.sample().then(sampleErrors.recovered);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let stopping: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
        await Promise.race([closed, deadline]);
        server.closeAllConnections();
        gateway.close();
        if (poll !== undefined) clearInterval(poll);
        eventLoop.stop();
        await storage.stop();
      })();
      return stopping;
    },
  };
}
