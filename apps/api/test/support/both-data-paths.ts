/**
 * One gateway served both ways it answers on: the Node listener (`gatewayListener()`: the
 * node:http data path, reserved routes through the app) and the Hono app alone (as Workers
 * serve it: `createApp()`, fetch proxy and `ollamaMetrics()`), each on a real 127.0.0.1 port.
 */
import { listenOnPort, type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { type AppDeps, createApp } from '../../src/app.js';
import { gatewayListener } from '../../src/proxy/node-listener.js';

/** The names of the two data paths, for `describe.each`. */
export const DATA_PATHS = ['Node listener', 'Hono app'] as const;

/** One of {@link DATA_PATHS}. */
export type DataPath = (typeof DATA_PATHS)[number];

/** A gateway served on both data paths. */
export type BothDataPaths = Record<DataPath, ServedApp>;

/** Serves `deps` on both data paths. */
export async function serveBothDataPaths(deps: AppDeps): Promise<BothDataPaths> {
  const gateway = gatewayListener(deps);
  const node = await listenOnPort(gateway.listener);
  const closeNode = () => {
    gateway.close();
    return node.close();
  };
  return { 'Node listener': { url: node.url, close: closeNode }, 'Hono app': await serveOnPort(createApp(deps)) };
}
