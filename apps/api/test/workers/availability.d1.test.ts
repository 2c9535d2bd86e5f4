/**
 * Ollama's availability on D1 inside workerd: the sampler as the cron trigger runs it counts
 * each poll (a new sampler every minute, as the Worker builds one per cron run), and /stats,
 * /metrics and /healthz report the outage. (Node, SQLite and PostgreSQL: test/availability.test.ts.)
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ResidencySampler } from '../../src/residency/sampler.ts';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';
import { runScheduled } from './run-scheduled.ts';

const AUTH = { authorization: 'Bearer suite-token-7f3a' };
const MINUTE = 60_000;

describe('availability on D1', () => {
  it('counts the cron polls, answered or not, and reports the outage in /stats and /metrics', async () => {
    // Answered, then two minutes down, then answered twice again.
    const outcomes = [true, false, false, true, true];
    const changes: string[] = [];
    for (const [i, answered] of outcomes.entries()) {
      const sampler = new ResidencySampler({
        store: openD1Store(env.DB),
        ollamaUrl: 'http://ollama.test',
        intervalMs: MINUTE,
        now: () => 1_000_000 + i * MINUTE,
        fetch: (async () => {
          if (!answered) throw new TypeError('fetch failed');
          return Response.json({ models: [] });
        }) as typeof fetch,
        onAvailability: (change) => changes.push(change.up ? `up after ${change.downMs}` : `down: ${change.error}`),
      });
      await sampler.sample();
    }
    expect(changes).toEqual(['down: fetch failed', `up after ${2 * MINUTE}`]);

    const stats = await SELF.fetch('http://gateway.test/stats', { headers: AUTH });
    expect(await stats.json()).toMatchObject({
      availability: {
        polls: 5,
        answered: 3,
        share: 0.6,
        outages: [{ start: 1_000_000 + MINUTE, end: 1_000_000 + 3 * MINUTE, duration_ms: 2 * MINUTE }],
      },
    });
    const metrics = await (await SELF.fetch('http://gateway.test/metrics', { headers: AUTH })).text();
    expect(metrics).toContain('\nollama_up 1\n');
    expect(metrics).toContain('\nollama_polls_total{outcome="failed"} 2\n');
    expect(metrics).toContain('\nollama_outages_total 1\n');
  });

  it('the scheduled handler records an unreachable Ollama as down, and /healthz is degraded but 200', async () => {
    const waits = await runScheduled();
    await Promise.all(waits);
    // The Ollama of wrangler.jsonc is not running here.
    expect(await openD1Store(env.DB).lastAvailabilityRun()).toMatchObject({ up: false, polls: 1 });
    const metrics = await (await SELF.fetch('http://gateway.test/metrics', { headers: AUTH })).text();
    expect(metrics).toContain('\nollama_up 0\n');
    const health = await SELF.fetch('http://gateway.test/healthz', { headers: AUTH });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded', ollama: { reachable: false } });
  });
});
