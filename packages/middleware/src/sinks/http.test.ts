/**
 * httpSink() against a real ingest server on a real port: a small Hono app that keeps
 * every POST it gets and answers what the test tells it to.
 */
import { type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import { record as aRecord, deadUrl, type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support.js';
import { uuidv7 } from '../uuid.js';
import { httpSink } from './http.js';

interface Received {
  records: RequestMetric[];
  authorization: string | undefined;
  contentType: string | undefined;
  at: number;
}

let server: ServedApp;
let url: string;
const received: Received[] = [];
/** Status of the next answers, first to last; 200 once empty. */
const answers: number[] = [];
/** Bodies of the next answers, first to last; `{ status }` once empty. */
const bodies: unknown[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.post('/ingest', async (c) => {
    const records = requestMetricSchema.array().parse(await c.req.json());
    received.push({
      records,
      authorization: c.req.header('authorization'),
      contentType: c.req.header('content-type'),
      at: performance.now(),
    });
    const status = answers.shift() ?? 200;
    return c.json(bodies.shift() ?? { status }, status as 200);
  });
  server = await serveOnPort(app);
  url = `${server.url}/ingest`;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
  bodies.length = 0;
});

let sequence = 0;
/** A valid streamed record with a fresh id. */
function record(model = 'llama3.2'): RequestMetric {
  return requestMetricSchema.parse(
    aRecord({
      id: uuidv7(),
      ts: 1_795_000_000_000 + sequence++,
      model,
      stream: true,
      latency_ms: 812.5,
      ttft_ms: 95.25,
    }),
  );
}
const records = (n: number) => Array.from({ length: n }, () => record());
const ids = (batch: RequestMetric[]) => batch.map((r) => r.id);

describe('httpSink', () => {
  it('sends a batch as soon as batchSize records are queued, in order', async () => {
    const failures: unknown[] = [];
    const sink = httpSink({ url, batchSize: 3, flushIntervalMs: 60_000, onError: (e) => failures.push(e) });
    const sent = records(7);
    for (const r of sent.slice(0, 2)) sink.write([r]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(0);
    expect(sink.stats()).toEqual({ sent: 0, dropped: 0, queued: 2 });
    sink.write([sent[2] as RequestMetric]);
    await eventually(() => expect(received).toHaveLength(1));
    expect(ids(received[0]?.records ?? [])).toEqual(ids(sent.slice(0, 3)));
    sink.write(sent.slice(3));
    await eventually(() => expect(sink.stats().sent).toBe(7));
    expect(received.map((r) => r.records.length)).toEqual([3, 3, 1]);
    expect(received.flatMap((r) => ids(r.records))).toEqual(ids(sent));
    expect(received[0]?.contentType).toBe('application/json');
    expect(received[0]?.records).toEqual(sent.slice(0, 3));
    expect(failures).toEqual([]);
    await sink.close();
  });

  it('sends a partial batch after flushIntervalMs without being asked', async () => {
    const sink = httpSink({ url, batchSize: 100, flushIntervalMs: 100 });
    const sent = records(2);
    const start = performance.now();
    sink.write([sent[0] as RequestMetric]);
    sink.write([sent[1] as RequestMetric]);
    // write() only enqueues: nothing has left yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.stats()).toEqual({ sent: 0, dropped: 0, queued: 2 });
    await eventually(() => expect(received).toHaveLength(1));
    expect(ids(received[0]?.records ?? [])).toEqual(ids(sent));
    expect((received[0]?.at ?? 0) - start).toBeGreaterThanOrEqual(99);
    await eventually(() => expect(sink.stats()).toEqual({ sent: 2, dropped: 0, queued: 0 }));
    await sink.close();
  });

  it('retries a batch after 503 with exponential backoff, then delivers it once', async () => {
    answers.push(503, 503);
    const failures: unknown[] = [];
    const sink = httpSink({ url, batchSize: 100, retryDelayMs: 40, maxAttempts: 5, onError: (e) => failures.push(e) });
    const sent = records(4);
    sink.write(sent);
    await sink.flush();
    expect(received).toHaveLength(3);
    for (const attempt of received) expect(ids(attempt.records)).toEqual(ids(sent));
    const [first, second, third] = received.map((r) => r.at) as [number, number, number];
    // 40 ms before the second attempt, 80 ms before the third (a timer may fire ~1 ms early).
    expect(second - first).toBeGreaterThanOrEqual(39);
    expect(third - second).toBeGreaterThanOrEqual(79);
    expect(sink.stats()).toEqual({ sent: 4, dropped: 0, queued: 0 });
    expect(failures).toEqual([]);
  });

  it('tells once per field what an older API stored the records without, and sends nothing twice', async () => {
    const told: string[] = [];
    const sink = httpSink({ url, batchSize: 2, onError: (e) => told.push((e as Error).message) });
    const older = (fields: string[]) => ({
      received: 2,
      inserted: 2,
      duplicates: 0,
      schema_version: 2,
      ignored_fields: fields,
    });
    bodies.push(older(['gpu_name']), older(['gpu_name']), older(['gpu_name', 'gpu_clock_mhz']));
    sink.write(records(6));
    await sink.flush();
    expect(received).toHaveLength(3);
    expect(sink.stats()).toEqual({ sent: 6, dropped: 0, queued: 0 });
    expect(told).toEqual([
      'the API (record version 2) stored the records without field(s) gpu_name: upgrade it to keep them',
      'the API (record version 2) stored the records without field(s) gpu_clock_mhz: upgrade it to keep them',
    ]);
  });

  it('does not retry a 400: the batch is dropped and reported', async () => {
    answers.push(400);
    const failures: Array<[unknown, RequestMetric | undefined]> = [];
    const sink = httpSink({ url, retryDelayMs: 1, onError: (error, first) => failures.push([error, first]) });
    const sent = records(3);
    sink.write(sent);
    await sink.flush();
    expect(received).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(String(failures[0]?.[0])).toContain('dropped 3 records: ingest answered 400');
    expect(failures[0]?.[1]?.id).toBe(sent[0]?.id);
    expect(sink.stats()).toEqual({ sent: 0, dropped: 3, queued: 0 });
    // The sink goes on: the next batch is delivered.
    sink.write(records(1));
    await sink.flush();
    expect(sink.stats()).toEqual({ sent: 1, dropped: 3, queued: 0 });
  });

  it.each([408, 429])('retries a %i', async (status) => {
    answers.push(status);
    const sink = httpSink({ url, retryDelayMs: 1 });
    sink.write(records(2));
    await sink.flush();
    expect(received).toHaveLength(2);
    expect(sink.stats()).toEqual({ sent: 2, dropped: 0, queued: 0 });
  });

  it('keeps at most maxQueue records, dropping the oldest and reporting them', async () => {
    const failures: Array<[unknown, RequestMetric | undefined]> = [];
    const sink = httpSink({
      url,
      batchSize: 100,
      maxQueue: 5,
      flushIntervalMs: 60_000,
      onError: (error, first) => failures.push([error, first]),
    });
    const sent = records(8);
    sink.write(sent.slice(0, 4));
    expect(failures).toEqual([]);
    sink.write(sent.slice(4));
    expect(failures).toHaveLength(1);
    expect(String(failures[0]?.[0])).toContain('dropped the 3 oldest records');
    expect(failures[0]?.[1]?.id).toBe(sent[0]?.id);
    expect(sink.stats()).toEqual({ sent: 0, dropped: 3, queued: 5 });
    await sink.flush();
    expect(received.flatMap((r) => ids(r.records))).toEqual(ids(sent.slice(3)));
    expect(sink.stats()).toEqual({ sent: 5, dropped: 3, queued: 0 });
  });

  it('sends Authorization: Bearer <token> when a token is set, and none otherwise', async () => {
    const withToken = httpSink({ url, token: 's3cret' });
    withToken.write(records(1));
    await withToken.flush();
    const without = httpSink({ url });
    without.write(records(1));
    await without.flush();
    expect(received.map((r) => r.authorization)).toEqual(['Bearer s3cret', undefined]);
  });

  it('flush() sends everything queued, in batches, and resolves when it is delivered', async () => {
    const sink = httpSink({ url, batchSize: 4, flushIntervalMs: 60_000 });
    const sent = records(3);
    sink.write(sent);
    expect(received).toHaveLength(0);
    await sink.flush();
    expect(received.flatMap((r) => ids(r.records))).toEqual(ids(sent));
    expect(sink.stats()).toEqual({ sent: 3, dropped: 0, queued: 0 });
    // Nothing is left for the timer to send.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1);
    await sink.close();
  });

  it('drops a batch after maxAttempts when the URL is unreachable, and reports it', async () => {
    let attempts = 0;
    const failures: unknown[] = [];
    const sink = httpSink({
      url: `${await deadUrl()}/ingest`,
      maxAttempts: 3,
      retryDelayMs: 5,
      onError: (e) => failures.push(e),
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    sink.write(records(2));
    await sink.flush();
    expect(attempts).toBe(3);
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('dropped 2 records: fetch failed');
    expect(sink.stats()).toEqual({ sent: 0, dropped: 2, queued: 0 });
  });
});
