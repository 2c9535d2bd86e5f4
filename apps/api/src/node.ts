/**
 * The gateway on Node: opens the store named by `DATABASE_URL` (embedded SQLite by
 * default), serves `gatewayListener()` (the lean node:http data path for proxied
 * requests, `createApp()` for the reserved routes) with node:http, and on SIGINT/SIGTERM stops
 * accepting, lets in-flight responses finish (up to a deadline) and flushes every
 * pending record before exiting.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from './config.js';
import { gatewayListener } from './proxy/node-listener.js';
import { ResidencySampler } from './residency/sampler.js';
import { fileSpool } from './sink/file-spool.js';
import { storeSink } from './sink/store-sink.js';
import { defaultSpoolPath, describeDatabase, openStore } from './storage/open-node.js';
import { type RollupTimer, startRollupTimer } from './storage/rollup-timer.js';

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

/** Starts the gateway; rejects with a one-line Error when the database or the port is unusable. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const store = await openStore(config.databaseUrl).catch((error: unknown) => {
    throw new Error(`cannot open the database (${describeDatabase(config.databaseUrl)}): ${(error as Error).message}`);
  });
  const sink = storeSink(store, {
    spool: fileSpool(config.spoolPath ?? defaultSpoolPath(config.databaseUrl)),
    onError: (error) =>
      console.error(`[ollama-perf] storage write failed, records kept for retry: ${(error as Error).message}`),
  });
  const sampler = new ResidencySampler({
    store,
    ollamaUrl: config.ollamaUrl,
    onError: (error) => sampleErrors.report(error),
  });
  const sampleErrors = onceUntilRecovered('cannot read what Ollama has loaded (/api/ps)');
  const sampling = config.residencyIntervalMs > 0;
  let poll: ReturnType<typeof setInterval> | undefined;
  const gateway = gatewayListener({
    hostname: config.host,
    store,
    // A cold start means Ollama just loaded (and maybe evicted) a model: sample right away.
    sink: {
      write(records) {
        sink.write(records);
        if (poll !== undefined && records.some((r) => r.cold_start === true))
          void sampler.sample().then(sampleErrors.recovered);
      },
    },
    residencySampledAt: () => sampler.lastSampleAt,
    ollamaUrl: config.ollamaUrl,
    apiToken: config.apiToken,
    coldStartMs: config.coldStartMs,
    projectHeader: config.projectHeader,
    sinkHealth: () => sink.stats(),
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    corsOrigins: config.corsOrigins,
  });

  const server = createServer(gateway.listener);
  server.listen(config.port, config.host);
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (error: NodeJS.ErrnoException) => {
      void store.close();
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
  const rollups: RollupTimer | null =
    config.rollupIntervalMs > 0
      ? startRollupTimer(store, config.rollupIntervalMs, (error) =>
          console.error(
            `[ollama-perf] building rollups failed (stats read the records meanwhile): ${(error as Error).message}`,
          ),
        )
      : null;
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
        await rollups?.stop();
        await sink.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
