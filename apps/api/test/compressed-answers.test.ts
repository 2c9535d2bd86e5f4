/**
 * Compressed answers (Ollama behind nginx `gzip on`, or any compressing proxy) through the
 * Node gateway's data path (`node-proxy.ts`, zlib): the shared suite, br included.
 */
import { memorySink } from '@ollama-perf/middleware';
import {
  BROTLI_CASE,
  COMPRESSED_CASES,
  describeCompressedAnswers,
  listenOnPort,
  type ServedApp,
  type StandIn,
  startStandInOllama,
} from '@ollama-perf/testkit';
import { afterAll, beforeAll } from 'vitest';
import { gatewayListener } from '../src/proxy/node-listener.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

let ollama: StandIn;
let store: MetricStore;
let served: ServedApp;
let closeGateway: () => void;
const sink = memorySink();

beforeAll(async () => {
  ollama = await startStandInOllama({ coldLoadNs: 0 });
  store = await openStore(':memory:');
  const gateway = gatewayListener({ store, sink, ollamaUrl: ollama.url });
  closeGateway = () => gateway.close();
  served = await listenOnPort(gateway.listener);
});
afterAll(async () => {
  closeGateway();
  await served.close();
  await store.close();
  await ollama.close();
});

describeCompressedAnswers(
  'the Node data path, compressed answers',
  () => ({ url: served.url, ollama, records: sink.records }),
  [...COMPRESSED_CASES, BROTLI_CASE],
);
