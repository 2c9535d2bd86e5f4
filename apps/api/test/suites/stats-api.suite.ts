/**
 * The HTTP contract of the stats API (DESIGN.md), written once and run against every
 * backend: SQLite on Node, D1 inside workerd, PostgreSQL. Each runner supplies a `fetch`
 * into a fresh app whose API_TOKEN is {@link SUITE_TOKEN}. Expected answers are core's
 * `summarize()` over the same records, compared exactly.
 */
import {
  byPromptTokens,
  hourly,
  hourStartOf,
  NO_PROJECT,
  RECORD_SCHEMA_VERSION,
  type RequestMetric,
  type StatsFilter,
  seriesByModel,
  summarize,
} from '@ollama-perf/core';
import { FIXTURE_START, fixtureRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';

import { SUITE_TOKEN } from './token.js';

export { SUITE_TOKEN };

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

const HOUR = 3_600_000;
// What every /ingest answer says besides its counts when no field was ignored.
const CURRENT = { schema_version: RECORD_SCHEMA_VERSION, ignored_fields: [] };

/** Registers the suite; `connect` is called once, in `beforeAll`. */
export function statsApiSuite(backend: string, connect: () => Promise<Fetch> | Fetch): void {
  describe(`stats API on ${backend}`, () => {
    const records = fixtureRecords();
    let raw: Fetch;
    const api: Fetch = (path, init = {}) =>
      raw(path, {
        ...init,
        headers: {
          authorization: `Bearer ${SUITE_TOKEN}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string> | undefined),
        },
      });
    const getJson = async (path: string) => {
      const res = await api(path);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const requestsNow = async () => (await getJson('/stats')).body.requests as number;

    beforeAll(async () => {
      raw = await connect();
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify(records) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        received: records.length,
        inserted: records.length,
        duplicates: 0,
        ...CURRENT,
      });
    });

    it('GET /stats equals summarize() of the records, to the number', async () => {
      const { status, body } = await getJson('/stats');
      expect(status).toBe(200);
      expect(body).toEqual(summarize(records));
      expect(Object.keys(body.by_project as object)).toEqual([NO_PROJECT, 'alpha', 'beta']);
      expect(body.cold_starts).toBeGreaterThan(0);
      expect(Object.keys(body.errors_by_type as object).length).toBeGreaterThan(2);
    });

    it.each<[string, StatsFilter]>([
      ['from=2026-11-27T09:00:00Z', { from: FIXTURE_START + HOUR }],
      [`to=${FIXTURE_START + 2 * HOUR}`, { to: FIXTURE_START + 2 * HOUR }],
      [
        `from=2026-11-27T09:30:00%2B01:00&to=${FIXTURE_START + 3 * HOUR}`,
        { from: FIXTURE_START + HOUR / 2, to: FIXTURE_START + 3 * HOUR },
      ],
      ['operation=embed', { operation: 'embed' }],
      ['project=alpha', { project: 'alpha' }],
      ['project=(none)', { project: NO_PROJECT }],
      [
        'operation=chat&project=beta&from=2026-11-27',
        { operation: 'chat', project: 'beta', from: Date.UTC(2026, 10, 27) },
      ],
    ])('GET /stats?%s equals summarize() with that filter', async (query, filter) => {
      const { status, body } = await getJson(`/stats?${query}`);
      expect(status).toBe(200);
      expect(body).toEqual(summarize(records, filter));
    });

    it('GET /stats?series=hourly adds the hourly series over all models', async () => {
      const { body } = await getJson('/stats?series=hourly&project=alpha');
      const alpha = records.filter((r) => r.project === 'alpha');
      expect(body).toEqual({
        ...summarize(records, { project: 'alpha' }),
        hourly: hourly(alpha),
        series_by_model: seriesByModel(alpha, hourStartOf),
      });
    });

    it.each([
      ['raw', '/stats/hf.co/org/repo:Q4_K_M'],
      ['percent-encoded', `/stats/${encodeURIComponent('hf.co/org/repo:Q4_K_M')}`],
    ])('GET /stats/:model takes a %s model name with ":" and "/"', async (_, path) => {
      const model = 'hf.co/org/repo:Q4_K_M';
      const mine = records.filter((r) => r.model === model);
      const { status, body } = await getJson(path);
      expect(status).toBe(200);
      expect(body).toEqual({
        ...summarize(records, { model }),
        model,
        hourly: hourly(mine),
        by_prompt_tokens: byPromptTokens(mine),
      });
      expect((body.hourly as unknown[]).length).toBe(4);
    });

    it('GET /stats/:model applies filters, and keeps a model with no records in the window', async () => {
      const model = 'qwen2.5vl:7b';
      const filter = { model, project: 'beta', operation: 'generate' as const };
      const { body } = await getJson(`/stats/${model}?project=beta&operation=generate`);
      const mine = records.filter((r) => r.model === model && r.project === 'beta' && r.operation === 'generate');
      expect(body).toEqual({
        ...summarize(records, filter),
        model,
        hourly: hourly(mine),
        by_prompt_tokens: byPromptTokens(mine),
      });
      const empty = await getJson(`/stats/${model}?from=2030-01-01`);
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ requests: 0, hourly: [] });
    });

    it('stores a model name full of quotes and SQL as data', async () => {
      const model = `we"ird'; drop table request_metrics;--`;
      const { status, body } = await getJson(`/stats/${encodeURIComponent(model)}`);
      expect(status).toBe(200);
      expect(body.requests).toBe(records.filter((r) => r.model === model).length);
    });

    it('answers an unknown model with 404 JSON', async () => {
      const { status, body } = await getJson('/stats/no-such-model:1b');
      expect(status).toBe(404);
      expect(body).toEqual({ error: { code: 'not_found', message: 'no records for model "no-such-model:1b"' } });
    });

    it.each(['from=yesterday', 'to=2026-13-45', 'operation=train', 'from=2026-11-28&to=2026-11-27', 'project='])(
      'answers a bad query (%s) with 400 JSON and its issues',
      async (query) => {
        const { status, body } = await getJson(`/stats?${query}`);
        expect(status).toBe(400);
        expect(body).toMatchObject({
          error: { code: 'bad_request', message: expect.any(String), issues: expect.any(Array) },
        });
      },
    );

    it('ignores records it already has (idempotent ingest)', async () => {
      const before = await requestsNow();
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify(records.slice(0, 30)) });
      expect(await res.json()).toEqual({ received: 30, inserted: 0, duplicates: 30, ...CURRENT });
      expect(await requestsNow()).toBe(before);
    });

    it('accepts a single record object', async () => {
      const before = await requestsNow();
      const one: RequestMetric = { ...(records[0] as RequestMetric), id: `single-${backend}` };
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify(one) });
      expect(await res.json()).toEqual({ received: 1, inserted: 1, duplicates: 0, ...CURRENT });
      expect(await requestsNow()).toBe(before + 1);
    });

    it('takes records of the first release (no concurrency, switched_from) beside current ones', async () => {
      const before = await requestsNow();
      const {
        concurrency: _c,
        switched_from: _s,
        ...older
      } = { ...(records[5] as RequestMetric), id: `v1-${backend}` };
      const current = { ...(records[6] as RequestMetric), id: `v2-${backend}` };
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify([older, current]) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: 2, inserted: 2, duplicates: 0, ...CURRENT });
      expect(await requestsNow()).toBe(before + 2);
    });

    it("ignores a newer producer's fields, names them, and stores the record without them", async () => {
      const before = await requestsNow();
      const newer = { ...(records[3] as RequestMetric), id: `newer-${backend}`, prompt: 'secret', gpu: { vram: 1 } };
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify(newer) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        received: 1,
        inserted: 1,
        duplicates: 0,
        schema_version: RECORD_SCHEMA_VERSION,
        ignored_fields: ['gpu', 'prompt'],
      });
      expect(await requestsNow()).toBe(before + 1);
    });

    it.each<[string, string]>([
      [
        'a batch with one bad record',
        JSON.stringify([
          { ...records[1], id: 'new-ok' },
          { ...records[2], id: 'new-bad', latency_ms: -5 },
        ]),
      ],
      [
        'an unknown field beside a bound broken',
        JSON.stringify({ ...records[3], id: 'new-extra', x: 1, status: 1000 }),
      ],
      ['malformed JSON', '{"id": "x", '],
      ['a number', '42'],
      ['an empty object', '{}'],
    ])('refuses %s with 400 JSON and writes nothing', async (_, body) => {
      const before = await requestsNow();
      const res = await api('/ingest', { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } });
      expect(await requestsNow()).toBe(before);
    });

    it('names the bad record and field in its 400', async () => {
      const batch = [
        { ...records[1], id: 'ok-1' },
        { ...records[2], id: 'bad-1', latency_ms: 'slow' },
      ];
      const res = await api('/ingest', { method: 'POST', body: JSON.stringify(batch) });
      const body = (await res.json()) as { error: { message: string; issues: Array<{ path: string[] }> } };
      expect(res.status).toBe(400);
      expect(body.error.message).toContain('(1.latency_ms)');
      expect(body.error.issues[0]?.path).toEqual(['1', 'latency_ms']);
    });

    it.each(['/stats', '/stats/llama3.2', '/healthz'])(
      'answers %s without the right token with 401 JSON',
      async (path) => {
        for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${SUITE_TOKEN}` }]) {
          const res = await raw(path, { headers });
          expect(res.status).toBe(401);
          expect(await res.json()).toEqual({
            error: { code: 'unauthorized', message: 'missing or wrong bearer token' },
          });
        }
      },
    );

    it('refuses /ingest without the token and writes nothing', async () => {
      const before = await requestsNow();
      const res = await raw('/ingest', { method: 'POST', body: JSON.stringify({ ...records[4], id: 'no-token' }) });
      expect(res.status).toBe(401);
      expect(await requestsNow()).toBe(before);
    });
  });
}
