/**
 * Compressed answers (a compressing proxy in front of Ollama) through a Hono app with
 * ollamaMetrics() that passes Ollama's answer on as it came (DecompressionStream), and
 * through Express + http-proxy-middleware (zlib, br included): the client gets the
 * compressed bytes unchanged, the record Ollama's figures; a corrupt body is delivered and
 * recorded as an error.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import {
  BROTLI_CASE,
  COMPRESSED_CASES,
  describeCompressedAnswers,
  listenOnPort,
  type ServedApp,
  type StandIn,
  serveOnPort,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import { memorySink, type OllamaMetricsOptions, ollamaMetrics } from '../src/index.js';
import { expressProxyApp } from './express-proxy.js';

let ollama: StandIn;
let proxy: ServedApp;
let express: ServedApp;
const sink = memorySink();
const expressSink = memorySink();

/** A Hono app that forwards with node:http, which (unlike fetch) leaves the answer compressed. */
function passThroughApp(upstream: string, options: OllamaMetricsOptions): Hono {
  const app = new Hono();
  app.use(ollamaMetrics(options));
  app.post('*', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(new URL(c.req.path, upstream), { method: 'POST' }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === 'string' && !['connection', 'keep-alive', 'transfer-encoding'].includes(name)) {
        headers.set(name, value);
      }
    }
    return new Response(Readable.toWeb(answer) as ReadableStream<Uint8Array>, {
      status: answer.statusCode ?? 502,
      headers,
    });
  });
  return app;
}

beforeAll(async () => {
  ollama = await startStandInOllama({ coldLoadNs: 0 });
  proxy = await serveOnPort(passThroughApp(ollama.url, { sink }));
  express = await listenOnPort(expressProxyApp(ollama.url, { sink: expressSink }));
});
afterAll(async () => {
  await proxy.close();
  await express.close();
  await ollama.close();
});
describeCompressedAnswers('ollamaMetrics(), compressed answers', () => ({
  url: proxy.url,
  ollama,
  records: sink.records,
}));
describeCompressedAnswers(
  'Express + http-proxy-middleware, compressed answers',
  () => ({ url: express.url, ollama, records: expressSink.records }),
  [...COMPRESSED_CASES, BROTLI_CASE],
);
