import { describe, expect, it } from 'vitest';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';
import { runTtfb, TTFB_SIZES, TTFB_VARIANTS } from './ttfb.js';

describe('ttfb benchmark (tiny)', () => {
  it('measures a first byte for every variant', async () => {
    const sizes = TTFB_SIZES.tiny;
    const result = await runTtfb(sizes, () => undefined);
    expect(result.measurements.map((m) => m.variant)).toEqual(TTFB_VARIANTS.map((v) => v.name));
    for (const m of result.measurements) {
      expect(m.requests).toBe(sizes.rounds * sizes.requestsPerRound);
      expect(m.errors).toBe(0);
      expect(m.medianMs).toBeGreaterThan(0);
      expect(m.p99Ms).toBeGreaterThanOrEqual(m.medianMs);
      expect(Number.isFinite(m.vsDirectMs)).toBe(true);
    }
    expect(result.measurements.find((m) => m.variant === 'direct')?.vsDirectMs).toBe(0);

    const results = newResults('tiny', { ttfb: result });
    expect(sectionTables(results).ttfb?.[0]?.rows).toHaveLength(TTFB_VARIANTS.length);
    expect(checkTargets(results).find((t) => t.target.startsWith('TTFB'))?.status).toMatch(/^(met|not met)$/);
  });
});
