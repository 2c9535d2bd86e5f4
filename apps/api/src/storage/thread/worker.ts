/**
 * The storage thread (a `worker_threads` Worker): owns the database connection and does all
 * of the gateway's storage work — batched inserts of proxied requests' records, spool
 * replay, rollup builds, `/ingest`, statistics queries, residency writes. better-sqlite3 is
 * synchronous, so a long query here stalls this thread only, never the one that proxies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileSpool } from '../../sink/file-spool.js';
import { perfLog } from '../../sink/perf-log.js';
import { storeSink } from '../../sink/store-sink.js';
import { errorCodeOf, writeFailureReason } from '../disk-full.js';
import { startRollupTimer } from '../rollup-timer.js';
import type { MetricStore } from '../store.js';
import type { FromStorage, StorageThreadData, ToStorage } from './protocol.js';

type StoreOpener = { openStore(url: string | undefined): Promise<MetricStore> };

const port = parentPort;
if (port === null) throw new Error('storage/thread/worker.ts runs as a worker thread');
const data = workerData as StorageThreadData;
const send = (message: FromStorage) => port.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function open(): Promise<MetricStore | null> {
  try {
    const opener = (await import(data.openerModule ?? '../open-node.js')) as StoreOpener;
    return await opener.openStore(data.databaseUrl);
  } catch (error) {
    send({ type: 'failed', message: messageOf(error) });
    return null;
  }
}

const store = await open();
if (store !== null) {
  store.exactUpTo = data.statsExactUpTo;
  const sink = storeSink(store, {
    spool: fileSpool(data.spoolPath),
    onError: (error) =>
      send({
        type: 'log',
        message: `storage writes fail, records are spooled until they work again: ${writeFailureReason(error)}`,
      }),
    onNotice: (message) => send({ type: 'log', message }),
  });
  const log =
    data.perfLog === undefined
      ? null
      : perfLog(data.perfLog.path, {
          maxBytes: data.perfLog.maxBytes,
          onError: (message) => send({ type: 'log', message }),
        });
  const rollups =
    data.rollupIntervalMs > 0
      ? startRollupTimer(store, data.rollupIntervalMs, (error) =>
          send({
            type: 'log',
            message: `building rollups failed (stats read the records meanwhile): ${messageOf(error)}`,
          }),
        )
      : null;
  const statsTimer = setInterval(
    () => send({ type: 'stats', stats: sink.stats(), settled: sink.settled() }),
    data.statsIntervalMs,
  );

  const answer = async (id: number, run: () => Promise<unknown>) => {
    try {
      send({ type: 'result', id, value: await run() });
    } catch (error) {
      // The code crosses the thread too: a full disk answers /ingest 507, not 500.
      send({ type: 'error', id, message: messageOf(error), code: errorCodeOf(error) });
    }
  };

  port.on('message', (message: ToStorage) => {
    switch (message.type) {
      case 'records':
        sink.write(message.records);
        log?.write(message.records);
        return;
      case 'call': {
        const method = store[message.method] as (...args: unknown[]) => Promise<unknown>;
        void answer(message.id, async () => {
          const value = await method.apply(store, message.args);
          // /ingest and imports bring records of past hours: build their rollups now, not in a minute.
          if (message.method === 'insert') rollups?.nudge();
          return value;
        });
        return;
      }
      case 'stop':
        void (async () => {
          clearInterval(statsTimer);
          await rollups?.stop();
          await sink.close();
          await log?.close();
          await store.close();
          send({ type: 'stopped', stats: sink.stats() });
          port.close();
        })();
        return;
    }
  });
  send({ type: 'ready', backend: store.backend.name });
}
