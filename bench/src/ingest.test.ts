import { describe, expect, it } from 'vitest';
import { INGEST_PATHS, INGEST_SIZES, runIngest } from './ingest.js';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';

describe('ingest benchmark (tiny)', () => {
  it('writes along every path into SQLite and PostgreSQL and loses nothing', async () => {
    const sizes = INGEST_SIZES.tiny;
    const result = await runIngest(sizes, () => undefined);
    expect(result.measurements).toHaveLength(INGEST_PATHS.length * sizes.backends.length);
    for (const m of result.measurements) {
      expect(m.rates).toHaveLength(sizes.rounds);
      expect(m.rate).toBeGreaterThan(0);
      expect(Number.isFinite(m.rate)).toBe(true);
      expect(m.vsBaseline).toBeGreaterThan(0);
      expect(m.lost).toBe(0);
    }
    for (const backend of sizes.backends) {
      const perBackend = INGEST_PATHS.length * sizes.rounds * sizes.batches * sizes.batchSize;
      expect(result.stored[backend]).toEqual({ expected: perBackend, actual: perBackend });
    }

    const results = newResults('tiny', { ingest: result });
    expect(sectionTables(results).ingest?.[0]?.rows).toHaveLength(result.measurements.length);
    // Batches of 10 are not the batches of 1,000 the targets are about.
    for (const t of checkTargets(results).filter((c) => c.target.startsWith('Ingest')))
      expect(t.status).toBe('not measured');
  });
});
