import { describe, expect, it } from 'vitest';
import { describeSoak, runSoak } from './soak.js';

describe('soak (tiny)', () => {
  it('runs concurrent streams through the gateway, stores one record each, samples RSS', async () => {
    const result = await runSoak({ concurrency: 20, durationMs: 1500, sampleEveryMs: 250 });
    expect(result.requests).toBeGreaterThan(20);
    expect(result.errors).toBe(0);
    expect(result.records).toBe(result.requests);
    expect(result.exitCode).toBe(0);
    expect(result.rss.length).toBeGreaterThan(2);
    expect(result.rss.every((bytes) => bytes > 10e6)).toBe(true);
    expect(describeSoak(result)).toContain('equal to requests sent');
  });
});
