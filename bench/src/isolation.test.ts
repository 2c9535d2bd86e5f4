import { describe, expect, it } from 'vitest';
import { ISOLATION_PHASES, ISOLATION_SIZES, runIsolation } from './isolation.js';
import { proxiedP99Limit } from './isolation-targets.js';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';

describe('proxiedP99Limit', () => {
  it('is 3× the idle p99, or idle + 50 ms when that is more', () => {
    expect(proxiedP99Limit(40)).toBe(120);
    expect(proxiedP99Limit(2)).toBe(52);
  });
});

describe('isolation benchmark (tiny)', () => {
  it('runs every phase through the built gateway, counts the import exactly, and reads its RSS', async () => {
    const sizes = ISOLATION_SIZES.tiny;
    const result = await runIsolation(sizes, () => undefined);
    expect(result.failures).toEqual({});
    expect(result.phases.map((p) => p.name)).toEqual(ISOLATION_PHASES.map((p) => p.name));
    for (const phase of result.phases) {
      expect(phase.proxied.errors).toBe(0);
      expect(phase.proxied.requests).toBeGreaterThan(0);
      expect(phase.readings).toBeGreaterThan(0);
      expect(phase.eventLoop.max).toBeGreaterThanOrEqual(0);
      expect(phase.peakRss).toBeGreaterThan(10e6);
    }
    expect(result.import?.lost).toBe(0);
    expect(result.import?.sent).toBe(sizes.importPast + sizes.importHour);
    expect(result.fresh?.counted).toEqual({ total: result.fresh?.expected.total, model: result.fresh?.expected.model });

    const results = newResults('tiny', { isolation: result });
    expect(sectionTables(results).isolation?.[0]?.rows).toHaveLength(ISOLATION_PHASES.length);
    // Tiny sizes are not what the targets are about.
    const checks = checkTargets(results).filter((t) => /isolation|during|import/.test(t.target));
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((t) => t.status === 'not measured')).toBe(true);
  });
});
