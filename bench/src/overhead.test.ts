import { describe, expect, it } from 'vitest';
import { OVERHEAD_SIZES, runOverhead, SCENARIOS, VARIANTS } from './overhead.js';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';

describe('overhead benchmark (tiny)', () => {
  it('measures every variant, scenario and concurrency, and the gateways record', async () => {
    const sizes = OVERHEAD_SIZES.tiny;
    const result = await runOverhead(sizes, () => undefined);
    expect(result.cells).toHaveLength(VARIANTS.length * SCENARIOS.length * sizes.concurrency.length);
    for (const cell of result.cells) {
      expect(cell.runs).toHaveLength(sizes.rounds);
      expect(cell.errors).toBe(0);
      expect(cell.rps).toBeGreaterThan(0);
      expect(Number.isFinite(cell.rps)).toBe(true);
      expect(cell.p50).toBeGreaterThan(0);
      expect(cell.p99).toBeGreaterThanOrEqual(cell.p50);
      expect(cell.frontCpuMs).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(cell.vs.direct.rpsRatio)).toBe(true);
      expect(Number.isFinite(cell.vs['bare-hono'].p50DiffMs)).toBe(true);
    }
    // Every request through (c) became a record in SQLite; every one through (d) reached its sink.
    expect(result.gatewayInfo['gateway-sqlite'].recordsWritten).toBe(result.gatewayRequests['gateway-sqlite']);
    expect(result.gatewayInfo['gateway-noop'].recordsDiscarded).toBe(result.gatewayRequests['gateway-noop']);
    expect(result.gatewayInfo['gateway-sqlite'].metricErrors).toBe(0);

    const results = newResults('tiny', { overhead: result });
    expect(sectionTables(results).overhead).toHaveLength(SCENARIOS.length * sizes.concurrency.length);
    const targets = checkTargets(results);
    const measured = targets.filter(
      (t) => t.target.startsWith("Middleware's own cost") || t.target.startsWith("Gateway's whole cost"),
    );
    expect(measured.map((t) => t.target.split(' (')[0])).toEqual([
      "Middleware's own cost as the issue states it",
      "Middleware's own cost",
      "Gateway's whole cost",
    ]);
    for (const t of measured) expect(t.status).toMatch(/^(met|not met)$/);
  });
});
