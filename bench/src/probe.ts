/**
 * The isolation section's probe, parent side: a child process (`probe-host.ts`) that sends
 * proxied requests one after another and times them, so that what this process does
 * meanwhile — generating `/ingest` batches, polling `/healthz`, filling a database — never
 * delays a request or its timing. One probe serves every phase: started once, told the
 * gateway of each phase, stopped with that phase.
 */
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.js';
import { forkTs, waitExit } from './server-process.js';

const HOST_SCRIPT = fileURLToPath(new URL('./probe-host.ts', import.meta.url));

/** What the parent asks the probe. */
export type ProbeRequest = { type: 'start'; url: string; body: string } | { type: 'stop' };
/** What the probe answers. */
export type ProbeReply = { type: 'ready' } | { type: 'result'; load: LoadResult };

/** A running probe. */
export interface Probe {
  /** Starts timing requests to `url` (POST `body`); the function returned stops and resolves with the figures. */
  start(url: string, body: string): () => Promise<LoadResult>;
  /** Ends the probe's process. */
  close(): Promise<void>;
}

/**
 * Starts the probe's process and resolves once it is ready.
 *
 * @example
 * const probe = await startProbe();
 * const stop = probe.start(`${gateway}/api/generate`, body);
 * … const load = await stop();
 */
export async function startProbe(): Promise<Probe> {
  const { child, output } = forkTs(HOST_SCRIPT, []);
  const results: Array<(load: LoadResult) => void> = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the probe exited (${code}) before it was ready: ${output()}`)));
    child.on('message', (message: ProbeReply) => {
      if (message.type === 'ready') resolve();
      else results.shift()?.(message.load);
    });
  });
  const send = (message: ProbeRequest) => child.send(message);
  return {
    start(url, body) {
      send({ type: 'start', url, body });
      return () =>
        new Promise<LoadResult>((resolve) => {
          results.push(resolve);
          send({ type: 'stop' });
        });
    },
    async close() {
      child.disconnect();
      await waitExit(child, 5_000);
    },
  };
}
