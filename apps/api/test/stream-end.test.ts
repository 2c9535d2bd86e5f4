/**
 * The Node gateway's data path (`node-proxy.ts`) records a stream whose final message passed
 * to the client as a success (gzip-compressed too), even when the client leaves before Ollama
 * ends its chunked body (Python's `openai` SDK after `data: [DONE]`); a client that leaves
 * before the final message is still `client_aborted`. The same cases through the middleware:
 * its own tests.
 */
import { memorySink } from '@ollama-perf/middleware';
import {
  expectRecord,
  FINAL_MESSAGE_CASES,
  FINISHED_STREAM_RECORD,
  listenOnPort,
  postAndLeave,
  postAndLeaveGzip,
  type StandIn,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayListener } from '../src/proxy/node-listener.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { waitUntil } from './support/in-process-gateway.js';

let ollama: StandIn;
let store: MetricStore;
const sink = memorySink();
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  // Ollama's body ends well after its last line: the window the SDK closes the connection in.
  ollama = await startStandInOllama({ endDelayMs: 200, coldLoadNs: 0 });
  store = await openStore(':memory:');
  const gateway = gatewayListener({ store, sink, ollamaUrl: ollama.url });
  const served = await listenOnPort(gateway.listener);
  url = served.url;
  close = async () => {
    gateway.close();
    await served.close();
  };
});
afterAll(async () => {
  await close();
  await store.close();
  await ollama.close();
});
beforeEach(() => {
  sink.records.length = 0;
});

async function oneRecord(): Promise<unknown> {
  expect(await waitUntil(() => sink.records.length === 1)).toBe(true);
  return sink.records[0];
}

describe('the Node data path, a client leaving early', () => {
  it.each(FINAL_MESSAGE_CASES)('records a stream whose final message passed as a success ($what)', async (final) => {
    const left = await postAndLeave(url + final.path, JSON.stringify(final.body), final.marker);
    expect(left.status).toBe(200);
    expectRecord(await oneRecord(), FINISHED_STREAM_RECORD);
  });

  it.each(FINAL_MESSAGE_CASES)('the same for a gzip stream ($what)', async (final) => {
    expect((await postAndLeaveGzip(ollama, url, final)).status).toBe(200);
    expectRecord(await oneRecord(), FINISHED_STREAM_RECORD);
  });

  it('records a client that leaves mid-stream as client_aborted', async () => {
    const left = await postAndLeave(
      `${url}/api/generate`,
      JSON.stringify({ model: 'slow', prompt: 'hi' }),
      '"response"',
    );
    expect(left.text).not.toContain('"done":true');
    expectRecord(await oneRecord(), { model: 'slow', success: false, error_type: 'client_aborted' });
  });
});
