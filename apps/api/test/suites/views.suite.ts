/**
 * Issue #17's views of the stats API on every backend (SQLite, PostgreSQL, D1 in workerd):
 * two weeks of seeded traffic with a 30% tokens/s regression planted in week two for one model
 * — `GET /stats/compare` flags exactly that model, answered from records and again from
 * rollups after a build; the daily and hourly series agree with each other and with the totals;
 * `series=weekly` and a compare without its windows are refused with 400.
 */
import {
  COMPARE_FIGURES,
  comparisonSchema,
  dailyPointSchema,
  hourlyPointSchema,
  type ModelSeriesPoint,
  summarySchema,
} from '@ollama-perf/core';
import { regressionRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUITE_TOKEN } from './token.js';

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** A fresh app over an empty database, and how to run its rollup build. */
export interface ViewsTarget {
  fetch: Fetch;
  build(now: number): Promise<unknown>;
}

const LATER = Date.UTC(2030, 0, 1);
const sumOf = (points: ReadonlyArray<{ requests: number }>) => points.reduce((sum, p) => sum + p.requests, 0);

/** Registers the suite; `connect` is called once, in `beforeAll`. */
export function viewsSuite(backend: string, connect: () => Promise<ViewsTarget>): void {
  describe(`compare, breakdowns and series on ${backend}`, () => {
    const data = regressionRecords();
    const { records, start, mid, end, regressed, steady } = data;
    const comparePath = `/stats/compare?from=${mid}&to=${end}&baseline_from=${start}&baseline_to=${mid}`;
    let target: ViewsTarget;
    const get = (path: string) => target.fetch(path, { headers: { authorization: `Bearer ${SUITE_TOKEN}` } });
    const getJson = async (path: string) => {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };

    beforeAll(async () => {
      target = await connect();
      for (let i = 0; i < records.length; i += 500) {
        const res = await target.fetch('/ingest', {
          method: 'POST',
          headers: { authorization: `Bearer ${SUITE_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(records.slice(i, i + 500)),
        });
        expect(res.status).toBe(200);
      }
    }, 60_000);

    const expectOnlyTheRegressionFlagged = async () => {
      const comparison = comparisonSchema.parse(await getJson(comparePath));
      expect(Object.keys(comparison.models).sort()).toEqual([regressed, ...steady].sort());
      const flagged = Object.entries(comparison.models)
        .filter(([, model]) => model.regressed)
        .map(([name]) => name);
      expect(flagged).toEqual([regressed]);
      const speed = comparison.models[regressed]?.figures.tokens_per_second_p50;
      expect(speed).toMatchObject({ beyond_noise: true, worse: true });
      expect(speed?.change).toBeGreaterThan(-0.36);
      expect(speed?.change).toBeLessThan(-0.24);
      for (const model of steady) {
        const figures = comparison.models[model]?.figures;
        expect(figures?.tokens_per_second_p50.beyond_noise, model).toBe(false);
        expect(Math.abs(figures?.tokens_per_second_p50.change ?? 1), model).toBeLessThan(0.05);
      }
      expect(Object.keys(comparison.models[regressed]?.figures ?? {})).toEqual([...COMPARE_FIGURES]);
      expect(comparison.method).toMatch(/order statistics/);
    };

    it('GET /stats/compare flags exactly the model that slowed down, from records', expectOnlyTheRegressionFlagged);

    it('GET /stats/compare without its windows answers 400 naming what is missing', async () => {
      const res = await get(`/stats/compare?from=${mid}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain('to, baseline_from, baseline_to');
    });

    it.each(['weekly', 'HOURLY', ''])('GET /stats?series=%s answers 400', async (series) => {
      const res = await get(`/stats?series=${series}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    });

    const expectSeriesAgree = async () => {
      const hourly = summarySchema.parse(await getJson(`/stats?from=${start}&to=${end}&series=hourly`));
      const daily = summarySchema.parse(await getJson(`/stats?from=${start}&to=${end}&series=daily`));
      expect(daily.requests).toBe(records.length);
      const days = (daily.daily ?? []).map((p) => dailyPointSchema.parse(p));
      expect(days.map((p) => p.day)).toEqual(
        Array.from({ length: 14 }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10)),
      );
      expect(sumOf(days)).toBe(records.length);
      expect(sumOf((hourly.hourly ?? []).map((p) => hourlyPointSchema.parse(p)))).toBe(records.length);
      for (const answer of [hourly, daily]) {
        const byModel = answer.series_by_model as Record<string, ModelSeriesPoint[]>;
        for (const [model, summary] of Object.entries(answer.by_model))
          expect(sumOf(byModel[model] ?? []), model).toBe(summary.requests);
      }
      // Per model, each day's requests are the sum of its hours.
      for (const [model, points] of Object.entries(daily.series_by_model ?? {})) {
        const hours = hourly.series_by_model?.[model] ?? [];
        for (const day of points) {
          const inDay = hours.filter((h) => h.start >= day.start && h.start < day.start + 86_400_000);
          expect(sumOf(inDay), `${model} ${day.start}`).toBe(day.requests);
        }
      }
      expect(sumOf(daily.by_hour_of_day)).toBe(records.length);
      expect(daily.by_hour_of_day.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
      const withPrompt = records.filter((r) => r.prompt_eval_count !== null).length;
      expect(sumOf(daily.by_prompt_tokens)).toBe(withPrompt);
      expect(daily.time_breakdown.timed_requests).toBe(records.filter((r) => r.total_duration_ms !== null).length);
    };

    it('series=hourly and series=daily agree with each other and with the totals, from records', expectSeriesAgree);

    describe('after a rollup build', () => {
      beforeAll(async () => {
        await target.build(LATER);
      }, 60_000);

      it('GET /stats/compare gives the same verdict from rollups', expectOnlyTheRegressionFlagged);
      it('series=hourly and series=daily still agree', expectSeriesAgree);
    });
  });
}
