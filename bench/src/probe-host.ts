/**
 * Child-process entry of the isolation section's probe (see `probe.ts`): on `start`, sends
 * POST requests one after another on a keep-alive connection until `stop`, then reports the
 * load figures. A process of its own, so nothing else competes for its event loop.
 */
import { runLoad } from './load.js';
import type { ProbeReply, ProbeRequest } from './probe.js';

const send = (message: ProbeReply) => process.send?.(message);
let stopping = false;

process.on('message', (message: ProbeRequest) => {
  if (message.type === 'stop') {
    stopping = true;
    return;
  }
  stopping = false;
  void runLoad({
    url: message.url,
    body: message.body,
    headers: { 'content-type': 'application/json' },
    // JIT and the connection's set-up are not what a phase is about.
    warmupRequests: 20,
    until: () => stopping,
    // Far beyond the 1 s a request may take: a request that slow is an error either way.
    requestTimeoutMs: 30_000,
  }).then((load) => send({ type: 'result', load }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
