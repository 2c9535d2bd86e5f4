/**
 * Real ports for tests: serves a fetch handler (a `createApp()` gateway, a Hono app) or a
 * Node request listener (an Express app) on an ephemeral 127.0.0.1 port, and finds a port
 * where nothing listens.
 */
import { createServer, type RequestListener } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { serve } from '@hono/node-server';

/** A server on 127.0.0.1 and how to stop it (open connections included). */
export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `app.fetch` with `@hono/node-server` on 127.0.0.1 (ephemeral port).
 *
 * @example
 * const served = await serveOnPort(createApp({ store, sink, ollamaUrl }));
 * await fetch(`${served.url}/stats`);
 * await served.close();
 */
export function serveOnPort(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<ServedApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as unknown as { closeAllConnections(): void }).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Serves a Node request listener (an Express app) on 127.0.0.1 (ephemeral port). */
export async function listenOnPort(listener: RequestListener): Promise<ServedApp> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A 127.0.0.1 URL where nothing listens (a port just freed). */
export async function deadUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
