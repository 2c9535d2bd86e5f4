import type { RequestMetric } from '@ollama-perf/core';
import { summarize } from '@ollama-perf/core';
import { describe, expect, it } from 'vitest';
import { historySlice } from './records.js';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkAccuracy, exactCollector, runStats, STATS_MODEL, STATS_SIZES } from './stats.js';
import { checkTargets } from './targets.js';

function exactOf(records: RequestMetric[]) {
  const exact = exactCollector();
  for (const record of records) exact.add(record);
  return exact;
}

describe('accuracy check', () => {
  const records = historySlice({ total: 2000 }, 2000);
  const exact = exactOf(records);
  const modelSummary = summarize(records, { model: STATS_MODEL });

  it('finds no error in exact answers', () => {
    const check = checkAccuracy(summarize(records), modelSummary, exact.all, exact.byModel);
    expect(check.compared).toBeGreaterThan(100);
    expect(check).toMatchObject({ maxRelativeError: 0, countMismatches: 0, worst: null });
  });

  it('reports a percentile that is off, and where', () => {
    const summary = summarize(records);
    const p99 = summary.latency_ms.p99 as number;
    const off = { ...summary, latency_ms: { ...summary.latency_ms, p99: p99 * 1.02 } };
    const check = checkAccuracy(off, modelSummary, exact.all, exact.byModel);
    expect(check.maxRelativeError).toBeCloseTo(0.02, 6);
    expect(check.worst).toBe('latency_ms.p99');
  });

  it('reports a lost record as a count mismatch', () => {
    const check = checkAccuracy(summarize(records.slice(1)), modelSummary, exact.all, exact.byModel);
    expect(check.countMismatches).toBeGreaterThan(0);
  });
});

describe('stats benchmark (tiny)', () => {
  it('times /stats and /stats/:model on SQLite and PostgreSQL, served from rollups within 1% of exact', async () => {
    const sizes = STATS_SIZES.tiny;
    const result = await runStats(sizes, () => undefined);
    expect(result.measurements.map((m) => m.backend)).toEqual(sizes.sizes.map((s) => s.backend));
    for (const m of result.measurements) {
      expect(m.summary.failure).toBeNull();
      expect(m.model.failure).toBeNull();
      expect(m.summary.runsMs).toHaveLength(m.runs);
      expect(m.summary.medianMs).toBeGreaterThan(0);
      expect(m.model.medianMs).toBeGreaterThan(0);
      expect(m.fillRate).toBeGreaterThan(0);
      expect(m.rollupRate).toBeGreaterThan(0);
      expect(m.gatewayPeakRss).toBeGreaterThan(0);
      expect(m.accuracy?.countMismatches).toBe(0);
      // Rollups answer (an exact computation would be off by nothing), within the 1% allowed.
      expect(m.accuracy?.maxRelativeError).toBeGreaterThan(0);
      expect(m.accuracy?.maxRelativeError).toBeLessThanOrEqual(0.01);
      expect(m.accuracy?.compared).toBeGreaterThan(0);
    }

    const results = newResults('tiny', { stats: result });
    expect(sectionTables(results).stats?.[0]?.rows).toHaveLength(sizes.sizes.length);
    const targets = checkTargets(results);
    expect(targets.find((t) => t.target.startsWith('/stats'))?.status).toBe('not measured');
    expect(targets.find((t) => t.target.startsWith('Every percentile'))?.status).toBe('met');
  });
});
