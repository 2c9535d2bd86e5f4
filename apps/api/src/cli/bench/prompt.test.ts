/** Prompts of a chosen token count: the fit, its refinement, exact lengths, cache-defeating prefixes. */
import { describe, expect, it } from 'vitest';
import { buildPrompt, charsFor, fitTokens, promptPrefix, refineFit } from './prompt.js';

// A tokenizer as the stand-in's: `overhead` template tokens + ceil(chars / charsPerToken).
const count = (chars: number, charsPerToken: number, overhead: number) => overhead + Math.ceil(chars / charsPerToken);

describe('prompt length', () => {
  it.each([
    [4, 0],
    [3.7, 12],
    [2.5, 40],
  ])('hits the asked count within 1%% for %s chars per token and %s template tokens', (perToken, overhead) => {
    const fit = fitTokens(
      { chars: 240, tokens: count(240, perToken, overhead) },
      { chars: 4000, tokens: count(4000, perToken, overhead) },
    );
    for (const target of [128, 512, 2048, 8192]) {
      const tokens = count(charsFor(target, fit), perToken, overhead);
      expect(Math.abs(tokens - target) / target).toBeLessThanOrEqual(0.01);
    }
  });

  it('refines the per-character rate from what Ollama counted, keeping the template share', () => {
    const fit = refineFit({ overhead: 10, perChar: 0.25 }, 4000, 1210);
    expect(fit).toEqual({ overhead: 10, perChar: 0.3 });
    expect(charsFor(1210, fit)).toBe(4000);
  });

  it('falls back to 4 characters per token when the probes do not rise', () => {
    expect(fitTokens({ chars: 240, tokens: 0 }, { chars: 4000, tokens: 0 })).toEqual({ overhead: 0, perChar: 0.25 });
  });

  it('builds prompts of exactly the asked length, starting with the prefix', () => {
    for (const chars of [100, 1000, 33_333]) {
      const prompt = buildPrompt('[abc #1 bench r] ', chars);
      expect(prompt).toHaveLength(chars);
      expect(prompt.startsWith('[abc #1 bench r] Continue')).toBe(true);
    }
  });

  it('starts each prompt differently with cache defeat, identically without', () => {
    const defeated = new Set(Array.from({ length: 50 }, (_, i) => promptPrefix('r1', i, true).slice(0, 6)));
    expect(defeated.size).toBe(50);
    expect(promptPrefix('r1', 1, false)).toBe(promptPrefix('r1', 2, false));
  });
});
