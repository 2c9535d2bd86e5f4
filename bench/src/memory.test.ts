import { describe, expect, it } from 'vitest';
import { MEMORY_SIZES, runMemory } from './memory.js';
import { sectionTables } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';

describe('memory benchmark (tiny)', () => {
  it('streams through the built gateway and the bare proxy, reads their RSS, and the gateway records it', async () => {
    const sizes = MEMORY_SIZES.tiny;
    const result = await runMemory(sizes, () => undefined);
    expect(result.measurements.map((m) => m.subject)).toEqual(['gateway', 'bare-hono']);
    for (const m of result.measurements) {
      expect(m.errors).toBe(0);
      // ~100 bytes per generated line.
      expect(m.bytesStreamed).toBeGreaterThan(sizes.tokens * 50);
      expect(m.rssBefore).toBeGreaterThan(10e6);
      expect(m.rssPeak).toBeGreaterThanOrEqual(m.rssBefore);
      expect(m.growth).toBe(m.rssPeak - m.rssBefore);
      expect(m.throughputMBps).toBeGreaterThan(0);
    }
    expect(result.recordedTokens).toEqual({ expected: sizes.tokens, actual: sizes.tokens });

    const results = newResults('tiny', { memory: result });
    expect(sectionTables(results).memory?.[0]?.rows).toHaveLength(2);
    // A tiny stream is not the 200 MB the target is about.
    expect(checkTargets(results).find((t) => t.target.startsWith('RSS growth'))?.status).toBe('not measured');
  });
});
