/**
 * When a stream's final message has passed, the request succeeded, whatever the client does
 * next: a client that leaves right after `data: [DONE]` (Python's `openai` SDK) or the native
 * `done: true` line, while Ollama has not ended its chunked body yet, is recorded as a success
 * with its figures, through the Hono middleware and the Express adapter alike. A client that
 * leaves before the final message is still `client_aborted`.
 */
import type { RequestMetric } from '@ollama-perf/core';
import {
  expectRecord,
  FINAL_MESSAGE_CASES,
  FINISHED_STREAM_RECORD,
  listenOnPort,
  postAndLeave,
  postAndLeaveGzip,
  type ServedApp,
  type StandIn,
  serveOnPort,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memorySink } from '../src/index.js';
import { expressProxyApp } from './express-proxy.js';
import { eventually, proxyApp } from './support.js';

let ollama: StandIn;
const sink = memorySink();
const servers: Array<[string, ServedApp]> = [];

beforeAll(async () => {
  // Ollama's body ends well after its last line: the window the SDK closes the connection in.
  ollama = await startStandInOllama({ endDelayMs: 200, warmLoadNs: 0, coldLoadNs: 0 });
  servers.push(['Hono middleware', await serveOnPort(proxyApp(ollama.url, { sink }))]);
  servers.push(['Express adapter', await listenOnPort(expressProxyApp(ollama.url, { sink }))]);
});
afterAll(async () => {
  for (const [, server] of servers) await server.close();
  await ollama.close();
});
beforeEach(() => {
  sink.records.length = 0;
});

async function oneRecord(): Promise<RequestMetric> {
  await eventually(() => expect(sink.records).toHaveLength(1));
  return sink.records[0] as RequestMetric;
}

describe.each(['Hono middleware', 'Express adapter'])('through the %s', (way) => {
  const url = () => servers.find(([name]) => name === way)?.[1].url as string;

  it.each(FINAL_MESSAGE_CASES)('records a stream whose final message passed as a success ($what)', async (final) => {
    const left = await postAndLeave(url() + final.path, JSON.stringify(final.body), final.marker);
    expect(left.status).toBe(200);
    expectRecord(await oneRecord(), FINISHED_STREAM_RECORD);
  });

  it('records a client that leaves mid-stream as client_aborted', async () => {
    const left = await postAndLeave(
      `${url()}/api/generate`,
      JSON.stringify({ model: 'slow', prompt: 'hi' }),
      '"response"',
    );
    expect(left.text).not.toContain('"done":true');
    expectRecord(await oneRecord(), { model: 'slow', success: false, error_type: 'client_aborted' });
  });
});

// Express passes Ollama's gzip bytes on (the Hono app here proxies with fetch, which decodes them).
describe('through the Express adapter, a gzip stream', () => {
  it.each(FINAL_MESSAGE_CASES)('records a stream whose final message passed as a success ($what)', async (final) => {
    const url = servers.find(([name]) => name === 'Express adapter')?.[1].url as string;
    expect((await postAndLeaveGzip(ollama, url, final)).status).toBe(200);
    expectRecord(await oneRecord(), FINISHED_STREAM_RECORD);
  });
});
