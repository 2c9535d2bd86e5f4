/**
 * Residency on D1 inside workerd: the sampler (as the cron trigger runs it) stores what
 * changed in scripted /api/ps answers, and /models reports the same intervals as on
 * SQLite and PostgreSQL (test/residency.test.ts, against the real stand-in Ollama).
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ResidencySampler } from '../../src/residency/sampler.ts';
import { openD1Store } from '../../src/storage/backends/d1/open.ts';
import { runScheduled } from './run-scheduled.ts';

const AUTH = { authorization: 'Bearer suite-token-7f3a' };
const ps = (...names: string[]) => ({
  models: names.map((name) => ({
    name,
    model: name,
    size: 4_000_000_000,
    size_vram: 3_000_000_000,
    context_length: 4096,
  })),
});

describe('residency on D1', () => {
  it('stores loads and unloads and answers /models with the intervals', async () => {
    const answers = [ps(), ps('llama3.2'), ps('qwen2.5vl:7b'), ps('llama3.2')];
    let clock = 0;
    const sampler = new ResidencySampler({
      store: openD1Store(env.DB),
      ollamaUrl: 'http://ollama.test',
      now: () => clock,
      fetch: (async () => Response.json(answers.shift())) as typeof fetch,
    });
    for (const ts of [1000, 2000, 3000, 4000]) {
      clock = ts;
      expect(await sampler.sample()).not.toBeNull();
    }
    const res = await SELF.fetch('http://gateway.test/models?from=0&to=10000', { headers: AUTH });
    expect(res.status).toBe(200);
    const sizes = { size: 4_000_000_000, size_vram: 3_000_000_000, context_length: 4096 };
    expect(await res.json()).toEqual({
      sampled_at: 4000,
      from: 0,
      to: 10000,
      loaded: [{ model: 'llama3.2', since: 4000, ...sizes }],
      history: [
        { model: 'llama3.2', from: 2000, to: 3000, ...sizes },
        { model: 'qwen2.5vl:7b', from: 3000, to: 4000, ...sizes },
        { model: 'llama3.2', from: 4000, to: null, ...sizes },
      ],
    });
  });

  it('the scheduled handler samples through the Worker (and survives an unreachable Ollama), and builds rollups', async () => {
    const waits = await runScheduled();
    expect(waits).toHaveLength(2);
    // The Ollama of wrangler.jsonc is not running here: the sample fails quietly.
    await expect(waits[0]).resolves.toBeNull();
    await expect(waits[1]).resolves.toMatchObject({ hours: expect.any(Number) });
  });
});
