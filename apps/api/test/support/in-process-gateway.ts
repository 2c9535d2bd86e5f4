/**
 * A gateway assembled in-process the way node.ts assembles it (store, spooling sink,
 * gatewayListener: the Node data path + createApp) and served on a real 127.0.0.1 port,
 * for tests that need to reach inside (lock the database, stop PostgreSQL, read the
 * sink's figures).
 */
import { listenOnPort } from '@ollama-perf/testkit';
import type { AppDeps } from '../../src/app.js';
import { gatewayListener } from '../../src/proxy/node-listener.js';
import { fileSpool } from '../../src/sink/file-spool.js';
import { type StoreSink, type StoreSinkOptions, storeSink } from '../../src/sink/store-sink.js';
import type { MetricStore } from '../../src/storage/store.js';

/** A served in-process gateway. */
export interface InProcessGateway {
  url: string;
  sink: StoreSink;
  close(): Promise<void>;
}

/** Serves a gateway over `store`, spooling to `spoolPath`. */
export async function serveGateway(
  store: MetricStore,
  ollamaUrl: string,
  spoolPath: string,
  extra: Partial<AppDeps> = {},
  sinkOptions: StoreSinkOptions = {},
): Promise<InProcessGateway> {
  const sink = storeSink(store, { spool: fileSpool(spoolPath), maxRetryDelayMs: 200, ...sinkOptions });
  const gateway = gatewayListener({ store, sink, ollamaUrl, sinkHealth: () => sink.stats(), ...extra });
  const served = await listenOnPort(gateway.listener);
  return {
    url: served.url,
    sink,
    close: () => {
      const closed = served.close();
      gateway.close();
      return closed;
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns its last answer. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
