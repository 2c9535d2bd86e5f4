/**
 * Child-process entry: starts the one server described by the JSON in argv[2] (see
 * `variants.ts`), reports `{ type: 'ready', url }` over IPC, answers `info` requests, and
 * closes on `stop` or when the parent goes away. One server per process, so that each
 * variant of the overhead benchmark has an event loop and a heap of its own, as it would
 * in production (Ollama and the gateway are separate processes).
 */
import { type ServerSpec, startServer } from './variants.js';

/** A message the parent sends. */
export type HostRequest = { type: 'info' } | { type: 'stop' };

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
const send = (message: unknown) => process.send?.(message);

const server = await startServer(spec);
let closing: Promise<void> | null = null;
const shutdown = () => {
  if (closing !== null) return;
  closing = server
    .close()
    .catch((error: unknown) => console.error(`[bench host] close failed: ${(error as Error).message}`))
    .finally(() => process.exit(0));
};

process.on('message', (message: HostRequest) => {
  if (message.type === 'info') send({ type: 'info', info: server.info() });
  else if (message.type === 'stop') shutdown();
});
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
send({ type: 'ready', url: server.url });
