/**
 * Bad input, fuzzed with fast-check against gateways served on real ports (SQLite files):
 * `/ingest` bodies (arbitrary JSON, mutated records, huge numbers, wrong types, deep
 * nesting, 10 MB), `/stats` and `/stats/:model` query strings and paths (unicode, `%`,
 * long values), and response bodies of arbitrary bytes through the measuring middleware
 * and the proxy. The answers are only ever a success or a 4xx JSON error — never a 5xx,
 * never a dropped connection — a refused batch writes nothing, and whatever passes through
 * reaches the client byte for byte while its record still satisfies the schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  modelSummarySchema,
  type RequestMetric,
  readRequestMetric,
  requestMetricSchema,
  statsQuerySchema,
  summarize,
  summarySchema,
} from '@ollama-perf/core';
import { memorySink, ollamaMetrics } from '@ollama-perf/middleware';
import { cutAt, rawRequest, type ServedApp, serveOnPort } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { type StoreSink, storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-fuzz-'));
// Nothing listens there: a reserved path that leaked to the proxy would come back as a 502.
const NO_OLLAMA = 'http://127.0.0.1:1';
const fixtures = fixtureRecords();
const FIXTURE_MODELS = [...new Set(fixtures.map((r) => r.model))];

/** Fuzz cases run in this file, reported at the end. */
const runs: Record<string, number> = {};
function counted<T extends unknown[]>(
  name: string,
  check: (...args: T) => Promise<void>,
): (...args: T) => Promise<void> {
  return async (...args: T) => {
    runs[name] = (runs[name] ?? 0) + 1;
    await check(...args);
  };
}

async function jsonOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 200)}`);
  }
}

function expectApiError(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz cases run: ${JSON.stringify(runs)} (total ${Object.values(runs).reduce((a, b) => a + b, 0)})`);
});

describe('POST /ingest with bad input', () => {
  let store: MetricStore;
  let served: ServedApp;
  let nextId = 0;
  const freshRecord = (): RequestMetric => ({
    ...(fixtures[nextId % fixtures.length] as RequestMetric),
    id: `fuzz-${nextId++}`,
  });

  beforeAll(async () => {
    store = await openStore(`sqlite:${join(dir, 'ingest.sqlite')}`);
    served = await serveOnPort(createApp({ store, sink: storeSink(store), ollamaUrl: NO_OLLAMA }));
  });
  afterAll(async () => {
    await served?.close();
    await store?.close();
  });

  /** Posts `body`; checks the answer against `valid` (undefined: let the schema decide) and the record count. */
  async function ingest(body: string | Buffer, contentType = 'application/json'): Promise<number> {
    const before = await store.count();
    const res = await fetch(`${served.url}/ingest`, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers: { 'content-type': contentType },
    });
    const answer = await jsonOf(res);
    expect(
      res.status === 200 || (res.status >= 400 && res.status < 500),
      `status ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`,
    ).toBe(true);
    const after = await store.count();
    if (res.status === 200) {
      expect(after - before).toBe((answer as { inserted: number }).inserted);
    } else {
      expectApiError(answer, res.status === 413 ? 'payload_too_large' : 'bad_request');
      expect(after, 'a refused batch wrote records').toBe(before);
    }
    return res.status;
  }

  /** What /ingest must answer for a body that parses to `value`: 200 when core reads every record. */
  function verdict(value: unknown): 200 | 400 {
    const batch = Array.isArray(value) ? value : [value];
    if (batch.length === 0 || batch.length > 10_000) return 400;
    return batch.every((r) => readRequestMetric(r).success) ? 200 : 400;
  }

  it('answers arbitrary JSON with 400 (or 200 exactly when it is a valid batch), never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 6 }),
        counted('ingest: arbitrary JSON', async (value) => {
          const status = await ingest(JSON.stringify(value) ?? 'null');
          expect(status).toBe(verdict(value));
        }),
      ),
      { numRuns: 150 },
    );
  });

  // A value for a field: wrong types, huge and tiny numbers, long and odd strings.
  const nasty = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.double(),
    fc.constantFrom(
      1e308,
      -1e308,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      2 ** 53 + 2,
      8.64e15,
      8.64e15 + 1,
      -1,
      -0,
      0.5,
      1e21,
      123456789012345680000,
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      'x'.repeat(129),
      'x'.repeat(512),
      'x'.repeat(513),
      'x'.repeat(10_240),
      'a\u0000b',
      '\u202e',
      '',
      ' ',
      'null',
      '1',
      'true',
    ),
    fc.constantFrom(null, true, false, [], {}),
  );
  // Number literals JSON.stringify cannot write: out of double range, overlong, exponent forms.
  const rawNumber = fc.constantFrom(
    '1e400',
    '-1e400',
    '1e-400',
    '123456789012345678901234567890',
    '1.0',
    '1E2',
    '-0',
    '0.0000000000000000000000001',
    '9007199254740993',
  );
  const field = fc.constantFrom(...(Object.keys(requestMetricSchema.shape) as Array<keyof RequestMetric>));

  it('checks every field of every record: mutated batches are refused whole, valid ones stored', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), field, value: nasty }),
      fc.record({ kind: fc.constant('raw' as const), field, text: rawNumber }),
      fc.record({ kind: fc.constant('delete' as const), field }),
      fc.record({
        kind: fc.constant('extra' as const),
        key: fc.oneof(
          fc.constantFrom('prompt', 'response', 'messages', '__proto__', 'constructor'),
          fc.string({ maxLength: 12 }),
        ),
        value: nasty,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.option(mutation, { nil: undefined }),
        fc.boolean(),
        counted('ingest: mutated records', async (size, at, change, single) => {
          const batch: Array<Record<string, unknown>> = Array.from({ length: size }, freshRecord);
          const target = batch[at % size] as Record<string, unknown>;
          let raw: string | undefined;
          if (change?.kind === 'set') target[change.field] = change.value;
          if (change?.kind === 'delete') delete target[change.field];
          if (change?.kind === 'extra')
            Object.defineProperty(target, change.key, {
              value: change.value,
              enumerable: true,
              configurable: true,
              writable: true,
            });
          if (change?.kind === 'raw') {
            target[change.field] = '__RAW_NUMBER__';
            raw = change.text;
          }
          const payload = single && size === 1 ? target : batch;
          let body = JSON.stringify(payload);
          if (raw !== undefined) body = body.replace('"__RAW_NUMBER__"', raw);
          const status = await ingest(body);
          expect(status).toBe(verdict(JSON.parse(body)));
        }),
      ),
      { numRuns: 200 },
    );
  });

  it('refuses bodies that are not JSON, or not declared as JSON, with 400', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
      fc.constantFrom(
        '',
        ' ',
        '{',
        '[',
        '{"id":',
        '[1,]',
        '{"a":1}{"b":2}',
        "{'id':'x'}",
        'NaN',
        '\ufeff[]',
        '\ufeff{}',
        'null',
        '[]',
        '"x"',
      ),
      fc.jsonValue().map((v) => `${JSON.stringify(v)}garbage`),
    );
    const type = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
      'multipart/form-data; boundary=x',
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        type,
        counted('ingest: not JSON', async (payload, contentType) => {
          expect(await ingest(payload, contentType)).toBe(400);
        }),
      ),
      { numRuns: 150 },
    );
  });

  it('refuses deeply nested bodies with 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 150_000 }),
        fc.constantFrom('array', 'object', 'mixed'),
        counted('ingest: deep nesting', async (depth, shape) => {
          const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '[{"a":';
          const close = shape === 'array' ? ']' : shape === 'object' ? '}' : '}]';
          expect(await ingest(`${open.repeat(depth)}1${close.repeat(depth)}`)).toBe(400);
        }),
      ),
      { numRuns: 12 },
    );
  });

  it('refuses 10 MB bodies with 413 before parsing them, with or without a Content-Length', async () => {
    const valid = JSON.stringify(Array.from({ length: 20 }, freshRecord));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 8 * 1024 * 1024 + 1, max: 10 * 1024 * 1024 }),
        fc.boolean(),
        fc.constantFrom('valid-padded', 'garbage'),
        counted('ingest: 10 MB', async (size, chunked, content) => {
          // A valid batch padded with whitespace: without the limit it would be stored.
          const body = content === 'valid-padded' ? `${' '.repeat(size - valid.length)}${valid}` : 'x'.repeat(size);
          const before = await store.count();
          const res = await rawRequest(`${served.url}/ingest`, {
            method: 'POST',
            body,
            chunked,
            headers: { 'content-type': 'application/json' },
          });
          expect(res.status).toBe(413);
          expect(JSON.parse(res.body.toString())).toEqual({
            error: { code: 'payload_too_large', message: expect.any(String) },
          });
          expect(await store.count()).toBe(before);
        }),
      ),
      { numRuns: 6 },
    );
  });
});

describe('GET /stats and /stats/:model with arbitrary query strings', () => {
  let store: MetricStore;
  let served: ServedApp;

  beforeAll(async () => {
    store = await openStore(`sqlite:${join(dir, 'stats.sqlite')}`);
    await store.insert(fixtures);
    served = await serveOnPort(createApp({ store, sink: storeSink(store), ollamaUrl: NO_OLLAMA }));
  });
  afterAll(async () => {
    await served?.close();
    await store?.close();
  });

  const instant = fc.date({
    min: new Date('1969-12-31T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const timeText = fc.oneof(
    instant.map((d) => d.toISOString()),
    instant.map((d) => String(d.getTime())),
    fc.constantFrom(
      '2026-11-27',
      '2026-11-27T09:00:00+01:00',
      '2026-11-27T09:00:00+0100',
      '2026-11-27 09:00',
      '2026-11-27T09:00',
      '8640000000000000',
      '8640000000000001',
    ),
    fc.constantFrom(
      '-1',
      '1e3',
      '0x10',
      ' 1 ',
      'yesterday',
      '2026-13-45',
      '2026-02-30',
      '',
      '%',
      '%25',
      '%E0%A4%A',
      '\u0000',
      '１２３',
    ),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const nameText = fc.oneof(
    fc.constantFrom(...FIXTURE_MODELS, 'alpha', 'beta', '(none)'),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(
      '%',
      '%%',
      '%2',
      '%ZZ',
      '%25',
      '%00',
      '100%',
      'a+b',
      'a&b=c',
      '#frag',
      '?q',
      '\u0000',
      'é',
      '🦙',
      '\ud800',
      ' ',
    ),
    fc.integer({ min: 500, max: 4000 }).map((n) => 'x'.repeat(n)),
  );
  const operationText = fc.oneof(
    fc.constantFrom('chat', 'generate', 'embed', 'CHAT', 'train', ''),
    fc.string({ maxLength: 10 }),
  );
  const query = fc.record(
    { from: timeText, to: timeText, operation: operationText, project: nameText, model: nameText },
    { requiredKeys: [] },
  );

  function encoded(params: Record<string, string>): string | null {
    try {
      return Object.entries(params)
        .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
        .join('&');
    } catch {
      return null; // a lone surrogate has no percent-encoding
    }
  }

  it('GET /stats: 400 exactly when the schema refuses the filter, else summarize() of it', async () => {
    await fc.assert(
      fc.asyncProperty(
        query,
        counted('stats: encoded query', async (params) => {
          const qs = encoded(params);
          fc.pre(qs !== null);
          const res = await fetch(`${served.url}/stats?${qs}`);
          const body = await jsonOf(res);
          const parsed = statsQuerySchema.safeParse(params);
          if (parsed.success) {
            expect(res.status).toBe(200);
            expect(body).toEqual(summarize(fixtures, parsed.data));
          } else {
            expect(res.status).toBe(400);
            expectApiError(body, 'bad_request');
          }
        }),
      ),
      { numRuns: 250 },
    );
  });

  it('GET /stats with raw (unencoded) text in the query: 200 or 400 JSON, never a 5xx', async () => {
    const rawValue = fc.oneof(nameText, timeText, fc.string({ unit: 'binary', maxLength: 60 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('from', 'to', 'operation', 'project', 'model', 'series', 'x'), rawValue), {
          maxLength: 5,
        }),
        counted('stats: raw query', async (pairs) => {
          const res = await fetch(`${served.url}/stats?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`);
          const body = await jsonOf(res);
          expect([200, 400]).toContain(res.status);
          if (res.status === 200) expect(summarySchema.safeParse(body).success).toBe(true);
          else expectApiError(body, 'bad_request');
        }),
      ),
      { numRuns: 200 },
    );
  });

  it('GET /stats/:model: the model summary when it has records, 404 JSON when not, 400 on a bad filter', async () => {
    // "." and ".." are path segments no URL can carry as a name.
    const model = fc.oneof(nameText, fc.constantFrom(...FIXTURE_MODELS)).filter((m) => m !== '.' && m !== '..');
    await fc.assert(
      fc.asyncProperty(
        model,
        fc.record({ from: timeText, to: timeText, operation: operationText, project: nameText }, { requiredKeys: [] }),
        counted('stats/:model: encoded', async (name, params) => {
          const qs = encoded(params);
          let path: string | null = null;
          try {
            path = `/stats/${encodeURIComponent(name)}`;
          } catch {
            // lone surrogate
          }
          fc.pre(qs !== null && path !== null);
          const res = await fetch(`${served.url}${path}?${qs}`);
          const body = await jsonOf(res);
          const parsed = statsQuerySchema.safeParse(params);
          if (name === '') {
            // `/stats/` names no model: no such route (and never a request to Ollama).
            expect(res.status).toBe(404);
            expectApiError(body, 'not_found');
          } else if (!parsed.success) {
            expect(res.status).toBe(400);
            expectApiError(body, 'bad_request');
          } else if (!fixtures.some((r) => r.model === name)) {
            expect(res.status).toBe(404);
            expectApiError(body, 'not_found');
          } else {
            expect(res.status).toBe(200);
            expect(modelSummarySchema.safeParse(body).success).toBe(true);
            expect(body).toMatchObject(summarize(fixtures, { ...parsed.data, model: name }));
          }
        }),
      ),
      { numRuns: 250 },
    );
  });

  it('GET /stats/<raw text>: a JSON answer of 200, 400 or 404, never a 5xx', async () => {
    const raw = fc.oneof(
      nameText,
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('%', '%%', '%E0%A4%A', '%ZZ/%', 'a/b/c', 'a//b', '/', '%2F', '..%2F..%2F', '%00'),
    );
    await fc.assert(
      fc.asyncProperty(
        raw,
        counted('stats/:model: raw path', async (text) => {
          const url = new URL(`${served.url}/stats/${text}`);
          // A dot segment ("..") takes the URL out of /stats before it is even sent.
          fc.pre(url.pathname.startsWith('/stats/'));
          const res = await fetch(url);
          const body = await jsonOf(res);
          expect([200, 400, 404]).toContain(res.status);
          if (res.status !== 200) expectApiError(body, res.status === 404 ? 'not_found' : 'bad_request');
        }),
      ),
      { numRuns: 200 },
    );
  });

  it('answers an over-long request line with a 4xx, and keeps serving', async () => {
    for (const length of [8_000, 20_000, 100_000]) {
      const res = await rawRequest(`${served.url}/stats?project=${'p'.repeat(length)}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await fetch(`${served.url}/stats`)).status).toBe(200);
  });
});

// Response bodies: protocol-shaped pieces and arbitrary bytes, cut into arbitrary chunks.
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(`${JSON.stringify(v)}\n`)),
  fc
    .constantFrom(
      '{"model":"llama3.2","message":{"role":"assistant","content":"hi"},"done":false}\n',
      '{"model":"llama3.2","done":true,"eval_count":100,"eval_duration":1e-300,"load_duration":1e400,"prompt_eval_count":-5}\n',
      '{"model":"m\\u0000x","done":true,"done_reason":"st\\u0000op","total_duration":"fast"}\n',
      '{"error":"boom \\u0000"}\n',
      '{"error":{"message":{"deep":[1,2,3]},"code":"stream_error"}}\n',
      'data: {"choices":[{"delta":{"content":"x"}}]}\n\n',
      'data: {"choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":1e308,"completion_tokens":-1}}\n\n',
      'data: [DONE]\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ': comment\n',
      '\r\n',
      '\n',
      `{"model":"${'m'.repeat(10_000)}","done":true}\n`,
    )
    .map((text) => Buffer.from(text)),
  fc.constantFrom(
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xf0, 0x9f]),
    Buffer.from([0xc3]),
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from([0]),
  ),
);
const responseBody = fc.array(piece, { maxLength: 12 }).map((parts) => Buffer.concat(parts));
const cutPoints = fc.array(fc.nat({ max: 4096 }), { maxLength: 16 });
const contentType = fc.constantFrom(
  'application/x-ndjson',
  'text/event-stream',
  'application/json; charset=utf-8',
  'text/plain',
  null,
);

function streamOf(chunks: Buffer[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new Uint8Array(chunk));
    },
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('arbitrary response bytes through the measuring middleware', () => {
  const sink = memorySink();
  const measurementErrors: unknown[] = [];
  let served: ServedApp;
  let answer: { status: number; type: string | null; chunks: Buffer[] } = { status: 200, type: null, chunks: [] };

  beforeAll(async () => {
    const app = new Hono();
    app.use('*', ollamaMetrics({ sink, onError: (error) => measurementErrors.push(error) }));
    app.post('/api/chat', async (c) => {
      await c.req.arrayBuffer();
      const headers: Record<string, string> = answer.type === null ? {} : { 'content-type': answer.type };
      return new Response(streamOf(answer.chunks), { status: answer.status, headers });
    });
    served = await serveOnPort(app);
  });
  afterAll(() => served?.close());

  it('hands the handler’s bytes to the client unchanged, with its status, and records each request validly', async () => {
    await fc.assert(
      fc.asyncProperty(
        responseBody,
        cutPoints,
        contentType,
        fc.constantFrom(200, 200, 200, 400, 404, 500, 503),
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
          fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify({ model: v, stream: true }))),
        ),
        counted('middleware: response bytes', async (bytes, offsets, type, status, requestBody) => {
          answer = { status, type, chunks: cutAt(bytes, offsets) };
          const recorded = sink.records.length;
          const res = await fetch(`${served.url}/api/chat`, { method: 'POST', body: requestBody });
          const received = Buffer.from(await res.arrayBuffer());
          expect(res.status).toBe(status);
          if (type !== null) expect(res.headers.get('content-type')).toBe(type);
          expect(received.equals(bytes)).toBe(true);
          await waitFor(() => sink.records.length === recorded + 1);
          const record = sink.records.at(-1);
          expect(requestMetricSchema.safeParse(record).error?.issues ?? []).toEqual([]);
          expect(record).toMatchObject({ status, endpoint: '/api/chat', operation: 'chat' });
          expect(measurementErrors).toEqual([]);
        }),
      ),
      { numRuns: 300 },
    );
  });
});

describe('arbitrary upstream bytes through the gateway (proxy + middleware + SQLite)', () => {
  let store: MetricStore;
  let sink: StoreSink;
  let served: ServedApp;
  let proxied = 0;
  let answer: { status: number; type: string | null; chunks: Buffer[] } = { status: 200, type: null, chunks: [] };
  const measurementErrors: unknown[] = [];

  beforeAll(async () => {
    store = await openStore(`sqlite:${join(dir, 'gateway.sqlite')}`);
    sink = storeSink(store, { flushIntervalMs: 20 });
    const upstream = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.body instanceof ReadableStream) await new Response(init.body).arrayBuffer();
      const headers: Record<string, string> = answer.type === null ? {} : { 'content-type': answer.type };
      return new Response(streamOf(answer.chunks), { status: answer.status, headers });
    }) as typeof fetch;
    const app = createApp({
      store,
      sink,
      ollamaUrl: 'http://127.0.0.1:11434',
      fetch: upstream,
      onMetricError: (error) => measurementErrors.push(error),
    });
    served = await serveOnPort(app);
  });
  afterAll(async () => {
    await served?.close();
    await sink?.close();
    await store?.close();
  });

  it('passes any status, type and bytes through unchanged, and stores one valid record per request', async () => {
    await fc.assert(
      fc.asyncProperty(
        responseBody,
        cutPoints,
        contentType,
        fc.constantFrom(200, 200, 200, 400, 404, 500, 503),
        fc.constantFrom(
          '/api/chat',
          '/api/generate',
          '/api/embed',
          '/v1/chat/completions',
          '/v1/completions',
          '/v1/embeddings',
        ),
        counted('gateway: upstream bytes', async (bytes, offsets, type, status, path) => {
          answer = { status, type, chunks: cutAt(bytes, offsets) };
          const res = await fetch(`${served.url}${path}`, { method: 'POST', body: '{"model":"llama3.2"}' });
          const received = Buffer.from(await res.arrayBuffer());
          proxied++;
          expect(res.status).toBe(status);
          if (type !== null) expect(res.headers.get('content-type')).toBe(type);
          expect(received.equals(bytes)).toBe(true);
        }),
      ),
      { numRuns: 250 },
    );
    await sink.flush();
    const records = await store.records();
    expect(records).toHaveLength(proxied);
    for (const record of records) expect(requestMetricSchema.safeParse(record).error?.issues ?? []).toEqual([]);
    expect(measurementErrors).toEqual([]);
    // What was stored summarizes and exports cleanly.
    const stats = await fetch(`${served.url}/stats`);
    expect(stats.status).toBe(200);
    expect(summarySchema.safeParse(await stats.json()).error?.issues ?? []).toEqual([]);
    expect((await fetch(`${served.url}/metrics`)).status).toBe(200);
  });
});
