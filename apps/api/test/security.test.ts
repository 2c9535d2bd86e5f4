/**
 * Security of the gateway, as a user or an attacker would meet it: `API_TOKEN` on every
 * reserved route (the dashboard page and files stay public), constant-time token checks,
 * no token in any log line, no prompt or response text in the database, its WAL, the
 * spool, the logs or the exports, hostile model and project names stored as data (cut to
 * 512 characters) or refused — on SQLite and PostgreSQL — CORS off unless configured, and
 * the /ingest body limit. In-process apps on real ports where HTTP matters; the gateway as
 * a process (`ollama-perf serve`) where its output matters.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_MAX, type RequestMetric } from '@ollama-perf/core';
import { rawRequest, type ServedApp, type StandIn, serveOnPort, startStandInOllama } from '@ollama-perf/testkit';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, RESERVED_PREFIXES } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { DASHBOARD_ASSETS } from '../src/dashboard/assets.generated.js';
import { secretsEqual } from '../src/http/auth.js';
import { type StoreSink, storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import type { MetricStore } from '../src/storage/store.js';
import { startEchoOllama } from './support/echo-ollama.js';
import { type GatewayProcess, runCli, startGatewayProcess } from './support/gateway-process.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-security-'));
const TOKEN = `tok-${randomUUID()}`;
const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'missing or wrong bearer token' } };
// The routes the token guards: every reserved prefix but the (public) dashboard, and a model's stats.
const GUARDED = [...RESERVED_PREFIXES.filter((p) => p !== '/dashboard'), '/stats/llama3.2'];

let ollama: StandIn;
beforeAll(async () => {
  ollama = await startStandInOllama();
});
afterAll(async () => {
  await ollama?.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(id: string, overrides: Partial<RequestMetric> = {}): RequestMetric {
  return { ...(fixtureRecords(1)[0] as RequestMetric), id, ...overrides };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** A gateway in this process on a real port, over an SQLite file. */
async function inProcessGateway(name: string, deps: Partial<Parameters<typeof createApp>[0]> = {}) {
  const store = await openStore(`sqlite:${join(dir, `${name}.sqlite`)}`);
  const sink = storeSink(store, { flushIntervalMs: 20 });
  const served = await serveOnPort(createApp({ store, sink, ollamaUrl: ollama.url, ...deps }));
  return {
    store,
    sink,
    url: served.url,
    async close() {
      await served.close();
      await sink.close();
      await store.close();
    },
  };
}

describe('secretsEqual', () => {
  it.each([
    ['same', 'same', true],
    ['', '', true],
    ['token', 'token ', false],
    ['token', 'toke', false],
    ['token', 'Token', false],
    ['tøken🦙', 'tøken🦙', true],
    ['tøken🦙', 'tøken🦚', false],
    ['a'.repeat(10_000), 'a'.repeat(10_000), true],
    ['a'.repeat(10_000), `${'a'.repeat(9_999)}b`, false],
  ])('secretsEqual(%j, %j) is %s', async (a, b, expected) => {
    expect(await secretsEqual(a, b)).toBe(expected);
  });

  it('is true exactly when the strings are equal (prefixes, suffixes, one character off)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.string({ maxLength: 4 }),
        fc.nat(),
        async (secret, extra, at) => {
          const i = secret.length === 0 ? 0 : at % secret.length;
          const near = [
            secret,
            `${secret}${extra}`,
            secret.slice(0, i),
            `${secret.slice(0, i)}${extra}${secret.slice(i + 1)}`,
          ];
          for (const guess of near) expect(await secretsEqual(guess, secret)).toBe(guess === secret);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compares fixed-size SHA-256 digests of both sides, whatever their lengths, so time does not depend on the guess', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    try {
      for (const [guess, secret] of [
        ['x', TOKEN],
        ['', TOKEN],
        [`${TOKEN}-longer`, TOKEN],
        [TOKEN.slice(0, -1), TOKEN],
        [TOKEN, TOKEN],
      ] as const) {
        digest.mockClear();
        await secretsEqual(guess, secret);
        expect(digest).toHaveBeenCalledTimes(2);
        const hashed = digest.mock.calls.map(([algorithm, data]) => [
          algorithm,
          Buffer.from(data as Uint8Array).toString('utf8'),
        ]);
        expect(hashed).toEqual(
          expect.arrayContaining([
            ['SHA-256', guess],
            ['SHA-256', secret],
          ]),
        );
      }
    } finally {
      digest.mockRestore();
    }
  });
});

describe('API_TOKEN on the reserved routes', () => {
  let gateway: Awaited<ReturnType<typeof inProcessGateway>>;
  beforeAll(async () => {
    gateway = await inProcessGateway('token', { apiToken: TOKEN });
    await gateway.store.insert(fixtureRecords(20));
  });
  afterAll(() => gateway?.close());

  const wrong: Array<[string, Record<string, string>]> = [
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['the token minus its last character', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['the token plus a character', { authorization: `Bearer ${TOKEN}x` }],
    ['the token in Basic', { authorization: `Basic ${TOKEN}` }],
    ['the bare token', { authorization: TOKEN }],
    ['the token in another header', { 'x-api-token': TOKEN, 'api-token': TOKEN }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ];

  async function call(path: string, headers: Record<string, string>, id: string): Promise<Response> {
    if (path === '/ingest') {
      return fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(record(id)),
      });
    }
    return fetch(`${gateway.url}${path}`, { headers });
  }

  it.each(GUARDED)('%s answers 401 JSON to every wrong credential, and writes nothing', async (path) => {
    for (const [what, headers] of wrong) {
      const before = await gateway.store.count();
      const res = await call(path, headers, `no-token-${randomUUID()}`);
      expect(res.status, `${path} with ${what}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ollama-perf"');
      expect(await res.json()).toEqual(UNAUTHORIZED);
      expect(await gateway.store.count()).toBe(before);
    }
    // Nor in the query string.
    expect((await fetch(`${gateway.url}${path}?token=${TOKEN}&api_token=${TOKEN}&access_token=${TOKEN}`)).status).toBe(
      401,
    );
  });

  it.each(GUARDED)('%s lets the right token through', async (path) => {
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer   ${TOKEN}`]) {
      const res = await call(path, { authorization }, `token-${randomUUID()}`);
      expect(res.status, `${path} with "${authorization.slice(0, 9)}…"`).not.toBe(401);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('guards every method on a reserved route (HEAD, POST, OPTIONS) and sub-paths', async () => {
    for (const [method, path] of [
      ['HEAD', '/stats'],
      ['POST', '/stats'],
      ['OPTIONS', '/stats'],
      ['DELETE', '/ingest'],
      ['PUT', '/metrics'],
      ['GET', '/stats/hf.co/org/repo:Q4_K_M'],
      ['GET', `/stats/${encodeURIComponent('hf.co/org/repo:Q4_K_M')}`],
    ] as const) {
      const res = await fetch(`${gateway.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('serves the dashboard page and its files without a token (their data comes from /stats)', async () => {
    const page = await fetch(`${gateway.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const names = Object.keys(DASHBOARD_ASSETS);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect((await fetch(`${gateway.url}/dashboard/${name}`)).status, name).toBe(200);
  });

  it('leaves proxied Ollama routes to Ollama (the token guards only what the gateway itself serves)', async () => {
    expect((await fetch(`${gateway.url}/api/tags`)).status).toBe(200);
    const res = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', prompt: 'hi', stream: false }),
    });
    expect(res.status).toBe(200);
  });
});

describe('CORS', () => {
  let echo: Awaited<ReturnType<typeof startEchoOllama>>;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    echo = await startEchoOllama(ollama.url);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(() => echo?.close());

  const LOCAL = 'http://localhost:3000';
  const preflight = (origin: string) => ({
    origin,
    'access-control-request-method': 'GET',
    'access-control-request-headers': 'authorization',
  });
  const corsHeadersOf = (res: Response) => {
    const names: string[] = [];
    res.headers.forEach((_, name) => {
      if (name.startsWith('access-control-')) names.push(name);
    });
    return names;
  };

  it('is off by default: no CORS header on any reserved route, and preflights get none — not even Ollama’s', async () => {
    // Upstream answers preflights like Ollama: a reserved path that leaked to it would carry its headers.
    for (const apiToken of [undefined, TOKEN]) {
      const gateway = await inProcessGateway(`cors-off-${apiToken === undefined ? 'open' : 'token'}`, {
        ollamaUrl: echo.url,
        apiToken,
      });
      closers.push(() => gateway.close());
      const proxied = await fetch(`${gateway.url}/api/chat`, { method: 'OPTIONS', headers: preflight(LOCAL) });
      expect(proxied.headers.get('access-control-allow-origin'), 'the upstream double answers preflights').toBe(LOCAL);
      for (const path of [
        ...RESERVED_PREFIXES,
        '/stats/llama3.2',
        `/dashboard/${Object.keys(DASHBOARD_ASSETS)[0] ?? ''}`,
      ]) {
        const get = await fetch(`${gateway.url}${path}`, {
          headers: { origin: LOCAL, authorization: `Bearer ${TOKEN}` },
        });
        expect(corsHeadersOf(get), `GET ${path}`).toEqual([]);
        const options = await fetch(`${gateway.url}${path}`, { method: 'OPTIONS', headers: preflight(LOCAL) });
        expect(corsHeadersOf(options), `OPTIONS ${path}`).toEqual([]);
        expect(options.status, `OPTIONS ${path}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('allows exactly the configured origins (createApp corsOrigins), token still required', async () => {
    const allowed = 'https://dash.example';
    const gateway = await inProcessGateway('cors-on', {
      ollamaUrl: echo.url,
      apiToken: TOKEN,
      corsOrigins: [allowed, 'https://other.example'],
    });
    closers.push(() => gateway.close());
    for (const path of ['/stats', '/stats/llama3.2', '/metrics', '/healthz']) {
      const options = await fetch(`${gateway.url}${path}`, { method: 'OPTIONS', headers: preflight(allowed) });
      expect(options.status, `OPTIONS ${path}`).toBe(204);
      expect(options.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(options.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      const get = await fetch(`${gateway.url}${path}`, {
        headers: { origin: allowed, authorization: `Bearer ${TOKEN}` },
      });
      expect(get.status).toBeLessThan(500);
      expect(get.headers.get('access-control-allow-origin'), `GET ${path}`).toBe(allowed);
      expect((await fetch(`${gateway.url}${path}`, { headers: { origin: allowed } })).status).toBe(401);
      for (const origin of ['https://evil.example', LOCAL, 'https://dash.example.evil.com', 'null']) {
        const foreign = await fetch(`${gateway.url}${path}`, { headers: { origin, authorization: `Bearer ${TOKEN}` } });
        expect(foreign.headers.get('access-control-allow-origin'), `GET ${path} from ${origin}`).toBeNull();
        const foreignPreflight = await fetch(`${gateway.url}${path}`, {
          method: 'OPTIONS',
          headers: preflight(origin),
        });
        expect(
          foreignPreflight.headers.get('access-control-allow-origin'),
          `OPTIONS ${path} from ${origin}`,
        ).toBeNull();
      }
    }
  });

  it('reads CORS_ORIGINS as a comma-separated list, empty by default', () => {
    expect(resolveConfig({}).corsOrigins).toEqual([]);
    expect(resolveConfig({ CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
    expect(resolveConfig({ CORS_ORIGINS: 'https://a.example, https://b.example ,' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(resolveConfig({}, { 'cors-origins': 'https://flag.example' }).corsOrigins).toEqual(['https://flag.example']);
  });
});

describe('the /ingest body limit', () => {
  it('refuses a body over 8 MiB with 413 JSON and writes nothing, with or without Content-Length; 8 MiB itself is read', async () => {
    const gateway = await inProcessGateway('limit');
    try {
      const batch = JSON.stringify([record('limit-1'), record('limit-2')]);
      const padded = (size: number) => `${' '.repeat(size - batch.length)}${batch}`;
      for (const chunked of [false, true]) {
        const over = await rawRequest(`${gateway.url}/ingest`, {
          method: 'POST',
          body: padded(8 * 1024 * 1024 + 1),
          chunked,
          headers: { 'content-type': 'application/json' },
        });
        expect(over.status).toBe(413);
        expect(JSON.parse(over.body.toString())).toEqual({
          error: { code: 'payload_too_large', message: 'request body over 8388608 bytes' },
        });
        expect(await gateway.store.count()).toBe(0);
      }
      const exact = await rawRequest(`${gateway.url}/ingest`, {
        method: 'POST',
        body: padded(8 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(exact.status).toBe(200);
      expect(await gateway.store.count()).toBe(2);
    } finally {
      await gateway.close();
    }
  });

  it('honours maxIngestBytes to the byte', async () => {
    const gateway = await inProcessGateway('limit-small', { maxIngestBytes: 2048 });
    try {
      const body = JSON.stringify(record('small-1'));
      const at = (size: number) =>
        fetch(`${gateway.url}/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `${' '.repeat(size - body.length)}${body}`,
        });
      expect((await at(2049)).status).toBe(413);
      expect(await gateway.store.count()).toBe(0);
      expect((await at(2048)).status).toBe(200);
      expect(await gateway.store.count()).toBe(1);
    } finally {
      await gateway.close();
    }
  });
});

// Names an attacker or a sloppy client might send: quotes and SQL, control characters
// (only the JSON body can carry them; a header allows tab alone), unicode, 10 KB.
const HOSTILE_MODELS = [
  `we"ird'; drop table request_metrics;--`,
  `x'); DELETE FROM request_metrics; --`,
  'tab\there',
  'line\nbreak\r\nend',
  'bell\u0007esc\u001b[31mdel\u007f',
  'nul\u0000byte',
  '模型🦙:7b',
  '%2F..%2F%00?x=1#y',
  '<script>alert(1)</script>',
  'm'.repeat(10_240),
];
const HOSTILE_PROJECTS = [
  `a"b'; drop table request_metrics;--`,
  'tab\tinside',
  'caf\u00e9 \u00ff',
  '<img src=x onerror=alert(1)>',
  '%00%0A',
  'p'.repeat(10_240),
];

/** What a stored name must be: cut to NAME_MAX, U+0000 (which PostgreSQL cannot hold) replaced. */
function storedName(name: string): string {
  return name.slice(0, NAME_MAX).replaceAll('\u0000', '\uFFFD');
}

function hostileNamesSuite(backend: string, open: () => Promise<MetricStore>): void {
  describe(`hostile model and project names on ${backend}`, () => {
    let store: MetricStore;
    let sink: StoreSink;
    let served: ServedApp;
    let standIn: StandIn;
    const storageErrors: unknown[] = [];

    beforeAll(async () => {
      store = await open();
      sink = storeSink(store, { flushIntervalMs: 20, onError: (error) => storageErrors.push(error) });
      standIn = await startStandInOllama({ models: ['llama3.2', ...HOSTILE_MODELS] });
      served = await serveOnPort(createApp({ store, sink, ollamaUrl: standIn.url }));
    });
    afterAll(async () => {
      await served?.close();
      await sink?.close();
      await store?.close();
      await standIn?.close();
    });

    it('stores names from proxied requests as data, cut to 512 characters, and serves their stats', async () => {
      const before = await store.count();
      for (const model of HOSTILE_MODELS) {
        const res = await fetch(`${served.url}/api/chat`, {
          method: 'POST',
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: false }),
        });
        expect(res.status, JSON.stringify(model.slice(0, 40))).toBe(200);
        await res.arrayBuffer();
      }
      for (const project of HOSTILE_PROJECTS) {
        const res = await rawRequest(`${served.url}/api/generate`, {
          method: 'POST',
          headers: { 'x-project-name': project, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'llama3.2', prompt: 'hi', stream: false }),
        });
        expect(res.status).toBe(200);
      }
      await sink.flush();
      expect(storageErrors).toEqual([]);
      const records = await store.records();
      expect(records.length - before).toBe(HOSTILE_MODELS.length + HOSTILE_PROJECTS.length);
      const models = records.map((r) => r.model);
      const projects = records.map((r) => r.project);
      for (const model of HOSTILE_MODELS) {
        expect(models).toContain(storedName(model));
        const res = await fetch(`${served.url}/stats/${encodeURIComponent(storedName(model))}`);
        expect(res.status, JSON.stringify(model.slice(0, 40))).toBe(200);
        expect(((await res.json()) as { requests: number }).requests).toBe(1);
      }
      for (const project of HOSTILE_PROJECTS) {
        expect(projects).toContain(project.slice(0, NAME_MAX));
        const res = await fetch(`${served.url}/stats?project=${encodeURIComponent(project.slice(0, NAME_MAX))}`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { requests: number }).requests).toBe(1);
      }
      // The table is intact and still answers every query.
      expect((await fetch(`${served.url}/stats`)).status).toBe(200);
    });

    it('answers queries naming U+0000 or over-long names with a 4xx, never a 5xx', async () => {
      for (const path of [
        '/stats/nul%00byte',
        '/stats/%00',
        `/stats/${'m'.repeat(10_240)}`,
        '/stats?project=%00',
        '/stats?model=a%00b',
        `/stats?project=${'p'.repeat(513)}`,
      ]) {
        const res = await fetch(`${served.url}${path}`);
        expect(res.status, path.slice(0, 60)).toBeGreaterThanOrEqual(400);
        expect(res.status, path.slice(0, 60)).toBeLessThan(500);
      }
    });

    it('/ingest stores quotes, SQL, control characters and unicode exactly', async () => {
      const names = HOSTILE_MODELS.map(storedName);
      const records = names.map((name, i) =>
        record(`${backend}-hostile-${i}`, {
          model: name,
          project: name,
          switched_from: name,
          error_message: name.slice(0, 500),
          endpoint: `/api/${name}`.slice(0, NAME_MAX),
        }),
      );
      const res = await fetch(`${served.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(records),
      });
      expect(res.status).toBe(200);
      const stored = await store.records();
      for (const r of records) expect(stored.find((s) => s.id === r.id)).toEqual(r);
    });

    it.each<[string, Partial<RequestMetric>]>([
      ['a 513-character model', { model: 'm'.repeat(NAME_MAX + 1) }],
      ['a 10 KB model', { model: 'm'.repeat(10_240) }],
      ['a 513-character project', { project: 'p'.repeat(NAME_MAX + 1) }],
      ['a 513-character endpoint', { endpoint: `/${'e'.repeat(NAME_MAX)}` }],
      ['a 513-character switched_from', { switched_from: 's'.repeat(NAME_MAX + 1) }],
      ['a 129-character id', { id: 'i'.repeat(129) }],
      ['a 501-character error message', { error_message: 'e'.repeat(501) }],
      ['U+0000 in a model', { model: 'nul\u0000byte' }],
      ['U+0000 in a project', { project: '\u0000' }],
      ['U+0000 in an id', { id: 'id\u0000' }],
    ])('/ingest refuses %s with 400 and writes nothing of its batch', async (_, overrides) => {
      const before = await store.count();
      const batch = [record(`ok-${randomUUID()}`), record(`bad-${randomUUID()}`, overrides)];
      const res = await fetch(`${served.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } });
      expect(await store.count()).toBe(before);
    });

    it('/ingest takes names of exactly 512 characters', async () => {
      const name = 'n'.repeat(NAME_MAX);
      const r = record(`${backend}-max-${randomUUID()}`, {
        model: name,
        project: name,
        endpoint: `/${'e'.repeat(NAME_MAX - 1)}`,
        switched_from: name,
      });
      const res = await fetch(`${served.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(r),
      });
      expect(res.status).toBe(200);
      expect((await store.records()).find((s) => s.id === r.id)).toEqual(r);
    });
  });
}

hostileNamesSuite('SQLite', () => openStore(`sqlite:${join(dir, 'names.sqlite')}`));

let postgres: TestPostgres | undefined;
afterAll(async () => {
  await postgres?.remove();
});
hostileNamesSuite('PostgreSQL', async () => {
  postgres = await startTestPostgres();
  return openStore(postgres.url);
});

/** Whether `bytes` hold `text` (or its first 10 characters) as UTF-8, UTF-16 or base64. */
function containsText(bytes: Buffer, text: string): boolean {
  const needles = [text, text.slice(0, 10)].flatMap((t) => [Buffer.from(t, 'utf8'), Buffer.from(t, 'utf16le')]);
  needles.push(Buffer.from(Buffer.from(text).toString('base64').slice(0, 16)));
  return needles.some((needle) => bytes.includes(needle));
}

function bytesOf(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

/** Holds SQLite's write lock on `path` (as another writer would), so the gateway's writes fail. */
function lockDatabase(path: string): () => void {
  const db = new SqliteDatabase(path);
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

describe('the token never reaches the logs', () => {
  const processes: GatewayProcess[] = [];
  afterAll(async () => {
    for (const p of processes) await p.stop();
  });

  it('through wrong and right tokens, failing upstreams and failing storage, from start-up to shutdown', async () => {
    const database = join(dir, 'token-logs.sqlite');
    const gateway = await startGatewayProcess({
      OLLAMA_URL: ollama.url,
      DATABASE_URL: `sqlite:${database}`,
      API_TOKEN: TOKEN,
      CORS_ORIGINS: 'https://dash.example',
    });
    processes.push(gateway);
    const lonely = await startGatewayProcess(
      { OLLAMA_URL: 'http://127.0.0.1:1', DATABASE_URL: `sqlite:${join(dir, 'token-lonely.sqlite')}` },
      ['--api-token', TOKEN],
    );
    processes.push(lonely);
    expect(gateway.output()).toContain('listening on');
    expect(gateway.output()).not.toContain(TOKEN);
    expect(lonely.output()).not.toContain(TOKEN);

    const credentials = [
      undefined,
      'Bearer wrong',
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN}`,
    ];
    for (const g of [gateway, lonely]) {
      for (const authorization of credentials) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        for (const path of GUARDED) await (await fetch(`${g.url}${path}?token=${TOKEN}`, { headers })).arrayBuffer();
        await (
          await fetch(`${g.url}/ingest`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: '{"id":',
          })
        ).arrayBuffer();
      }
      // Proxied requests carrying the token, to upstreams that fail in every way.
      for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN}`]) {
        for (const model of ['broken', 'busy', 'midstream-error', 'cutoff', 'no-such-model']) {
          const res = await fetch(`${g.url}/api/generate?token=${TOKEN}`, {
            method: 'POST',
            headers: { authorization },
            body: JSON.stringify({ model, prompt: 'hi' }),
          }).catch(() => null);
          await res?.arrayBuffer().catch(() => undefined);
        }
      }
    }
    // CORS_ORIGINS from the environment reaches the app.
    const preflight = await fetch(`${gateway.url}/stats`, {
      method: 'OPTIONS',
      headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dash.example');
    // The upstream is unreachable for `lonely`: its /healthz says so, without the token.
    const health = await (
      await fetch(`${lonely.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(health).toContain('"reachable":false');
    expect(health).not.toContain(TOKEN);

    // Storage fails while another writer holds the database: the gateway logs it.
    await sleep(300);
    const unlock = lockDatabase(database);
    try {
      await (
        await fetch(`${gateway.url}/api/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ model: 'llama3.2', prompt: 'hi', stream: false }),
        })
      ).arrayBuffer();
      expect(await waitFor(() => /database is locked/i.test(gateway.output()), 5000)).toBe(true);
    } finally {
      unlock();
    }
    // The CLI's report asks the gateway with the token, and prints numbers only.
    const report = await runCli(['report', '--url', gateway.url], { API_TOKEN: TOKEN });
    expect(report.code, report.output).toBe(0);
    const refused = await runCli(['report', '--url', gateway.url, '--token', `${TOKEN}x`]);
    expect(refused.code).not.toBe(0);
    for (const { output } of [report, refused]) expect(output).not.toContain(TOKEN);
    for (const g of [gateway, lonely]) expect(await g.stop()).toBe(0);
    for (const g of [gateway, lonely]) expect(g.output()).not.toContain(TOKEN);
  });

  it('serve --help, and a refused setting, print no token either', async () => {
    const help = await runCli(['serve', '--help'], { API_TOKEN: TOKEN });
    expect(help.code).toBe(0);
    expect(help.output).not.toContain(TOKEN);
    const refused = await runCli(['serve', '--api-token', TOKEN], { PORT: 'eleven', DATABASE_URL: ':memory:' });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('PORT');
    expect(refused.output).not.toContain(TOKEN);
  });
});

describe('prompt and response text never reach the database, the spool, the logs or the exports', () => {
  // Short, so that even a prompt cut to a few dozen characters would still carry it whole.
  const MARKER = `Pm${randomUUID().replaceAll('-', '').slice(0, 14)}`;
  const database = join(dir, 'privacy.sqlite');
  const spool = join(dir, 'privacy.spool.jsonl');
  let echo: Awaited<ReturnType<typeof startEchoOllama>>;
  let gateway: GatewayProcess;
  let sent = 0;

  beforeAll(async () => {
    echo = await startEchoOllama(ollama.url);
    gateway = await startGatewayProcess({
      OLLAMA_URL: echo.url,
      DATABASE_URL: `sqlite:${database}`,
      SPOOL_PATH: spool,
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await echo?.close();
  });

  const image = Buffer.from(MARKER).toString('base64');
  const messages = [
    { role: 'system', content: `You are ${MARKER}` },
    { role: 'user', content: `Tell me about ${MARKER}`, images: [image, MARKER] },
  ];
  // Every place a client can put text: prompt, system, messages, images, inputs — on every route.
  const requests: Array<[string, Record<string, unknown>]> = [
    ['/api/generate', { model: 'llama3.2', prompt: MARKER, system: MARKER, images: [image, MARKER], stream: true }],
    [
      '/api/generate',
      { model: 'llama3.2', prompt: MARKER, system: MARKER, template: MARKER, context: [1, 2], stream: false },
    ],
    ['/api/chat', { model: 'llama3.2', messages, stream: true }],
    ['/api/chat', { model: 'llama3.2', messages, stream: false, format: { type: 'object', description: MARKER } }],
    ['/api/embed', { model: 'all-minilm', input: [MARKER, `${MARKER} again`] }],
    ['/api/embeddings', { model: 'all-minilm', prompt: MARKER }],
    ['/v1/chat/completions', { model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } }],
    ['/v1/chat/completions', { model: 'llama3.2', messages }],
    ['/v1/completions', { model: 'llama3.2', prompt: MARKER }],
    ['/v1/embeddings', { model: 'all-minilm', input: MARKER }],
    // Failures: unknown model, busy, crashed, an error mid-stream, a cut stream, a timeout.
    ['/api/chat', { model: 'no-such-model', messages }],
    ['/api/generate', { model: 'busy', prompt: MARKER }],
    ['/api/generate', { model: 'broken', prompt: MARKER }],
    ['/api/generate', { model: 'midstream-error', prompt: MARKER }],
    ['/api/chat', { model: 'cutoff', messages }],
    ['/api/generate', { model: 'hang', prompt: MARKER }],
    ['/v1/chat/completions', { model: 'no-such-model', messages }],
  ];
  // A model that repeats its prompt: the marker comes back in the response.
  const echoed: Array<[string, Record<string, unknown>]> = [
    ['/api/chat', { model: 'echo', messages, stream: true }],
    ['/api/chat', { model: 'echo', messages, stream: false }],
    ['/api/generate', { model: 'echo', prompt: MARKER, system: MARKER }],
    ['/v1/chat/completions', { model: 'echo', messages, stream: true }],
    ['/v1/chat/completions', { model: 'echo', messages }],
  ];

  async function send(path: string, body: Record<string, unknown> | string, query = ''): Promise<string> {
    sent++;
    const res = await fetch(`${gateway.url}${path}${query}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).catch(() => null);
    return (await res?.text().catch(() => '')) ?? '';
  }

  it('keeps every request’s record and none of its text', async () => {
    for (const [path, body] of requests) await send(path, body);
    for (const [path, body] of echoed) expect(await send(path, body), `${path} echoes the prompt`).toContain(MARKER);
    // Invalid JSON: Ollama's error says which character it choked on, never the body.
    expect(await send('/api/generate', `{"model":"llama3.2","prompt":"${MARKER}`)).toContain('invalid character');
    await send('/api/chat', { model: 'llama3.2', messages }, `?note=${MARKER}`);
    // A client that leaves mid-stream.
    sent++;
    const leaving = new AbortController();
    const slow = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'slow', prompt: MARKER }),
      signal: leaving.signal,
    });
    await slow.body?.getReader().read();
    leaving.abort();
    expect(
      ollama.requests.some((r) => r.body.includes(MARKER)),
      'the marker reached Ollama',
    ).toBe(true);

    // While another writer holds the database, records go to the spool file.
    await sleep(300);
    const unlock = lockDatabase(database);
    let spooled: Buffer;
    try {
      for (const [path, body] of echoed) await send(path, body);
      expect(await waitFor(() => bytesOf(spool).length > 0, 5000), 'records were spooled').toBe(true);
      await sleep(200);
      spooled = bytesOf(spool);
    } finally {
      unlock();
    }
    expect(spooled.toString().trim().split('\n').length).toBeGreaterThan(0);
    expect(spooled.toString()).toContain('"model":"echo"');
    expect(containsText(spooled, MARKER), 'marker in the spool').toBe(false);

    // Everything is written once the database is free again.
    const store = await openStore(`sqlite:${database}`);
    try {
      expect(await waitFor(async () => (await store.count()) === sent, 15_000), `${sent} records stored`).toBe(true);
      const records = await store.records();
      expect(records.find((r) => r.model === 'broken')?.error_message).toBe(
        'llama runner process has terminated: exit status 2',
      );
      expect(records.some((r) => r.error_type === 'client_aborted')).toBe(true);
      expect(containsText(Buffer.from(JSON.stringify(records)), MARKER)).toBe(false);
    } finally {
      await store.close();
    }
    // The files as they are on disk while the gateway runs (the WAL holds the latest pages).
    for (const suffix of ['', '-wal', '-shm'])
      expect(containsText(bytesOf(`${database}${suffix}`), MARKER), `marker in ${database}${suffix}`).toBe(false);
    expect(bytesOf(`${database}-wal`).length + bytesOf(database).length).toBeGreaterThan(0);
    for (const path of ['/stats', '/stats/echo', '/metrics', '/healthz', '/stats?series=hourly']) {
      expect(containsText(Buffer.from(await (await fetch(`${gateway.url}${path}`)).text()), MARKER), path).toBe(false);
    }
  });

  it('keeps none of it after shutdown, in the exports, or in anything the process printed', async () => {
    expect(await gateway.stop()).toBe(0);
    for (const suffix of ['', '-wal', '-shm'])
      expect(containsText(bytesOf(`${database}${suffix}`), MARKER), `marker in ${database}${suffix}`).toBe(false);
    expect(containsText(bytesOf(spool), MARKER)).toBe(false);
    expect(containsText(Buffer.from(gateway.output()), MARKER)).toBe(false);
    for (const args of [
      ['export', '--format', 'jsonl'],
      ['export', '--format', 'csv'],
      ['report', '--json'],
      ['report'],
    ]) {
      const { code, output } = await runCli([...args, '--db', `sqlite:${database}`]);
      expect(code, `${args.join(' ')}: ${output.slice(0, 300)}`).toBe(0);
      expect(containsText(Buffer.from(output), MARKER), args.join(' ')).toBe(false);
      if (args.includes('jsonl')) expect(output.trim().split('\n')).toHaveLength(sent);
    }
  });
});
