import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerformanceModel } from './performance-model.js';
import { type StandIn, startStandInOllama } from './stand-in-ollama.js';

let ollama: StandIn;
let client: Ollama;
beforeAll(async () => {
  ollama = await startStandInOllama({
    performance: createPerformanceModel({
      speeds: { 'llama3.2': { generationTokensPerSecond: 42, promptTokensPerSecond: 850, coldLoadMs: 3200 } },
      charsPerToken: 3.5,
      promptOverheadTokens: 10,
      parallel: 2,
    }),
  });
  client = new Ollama({ host: ollama.url });
});
afterAll(() => ollama.close());

const text = (chars: number, start = 'a') => start + 'x'.repeat(chars - 1);

describe('stand-in performance model', () => {
  it('counts prompt tokens from the prompt length and runs each model at its speeds', async () => {
    const answer = await client.generate({ model: 'llama3.2', prompt: text(3500), options: { num_predict: 84 } });
    expect(answer.prompt_eval_count).toBe(1010);
    expect(answer.prompt_eval_count / (answer.prompt_eval_duration / 1e9)).toBeCloseTo(850, 6);
    expect(answer.eval_count / (answer.eval_duration / 1e9)).toBeCloseTo(42, 6);
    expect(answer.done_reason).toBe('length');
    const other = await client.generate({ model: 'qwen2.5vl:7b', prompt: text(350, 'b'), options: { num_predict: 5 } });
    expect(other.eval_count / (other.eval_duration / 1e9)).toBeCloseTo(50, 6);
    expect(other.prompt_eval_count / (other.prompt_eval_duration / 1e9)).toBeCloseTo(1000, 6);
  });

  it('loads cold at the model’s load time, unloads on keep_alive 0 and /api/ps follows', async () => {
    await client.generate({ model: 'llama3.2', prompt: '', keep_alive: 0 });
    expect((await client.ps()).models.map((m) => m.name)).not.toContain('llama3.2');
    const cold = await client.generate({ model: 'llama3.2', prompt: text(100, 'c') });
    expect(cold.load_duration).toBe(3_200_000_000);
    expect((await client.ps()).models.map((m) => m.name)).toContain('llama3.2');
    const warm = await client.generate({ model: 'llama3.2', prompt: text(100, 'd') });
    expect(warm.load_duration).toBeUndefined();
    const load = await client.generate({ model: 'llama3.2', prompt: '' });
    expect(load.done_reason).toBe('load');
  });

  it('evaluates only the part of a prompt that is not cached, and reports the whole count', async () => {
    const prompt = text(7000, 'e');
    const first = await client.generate({ model: 'llama3.2', prompt });
    const again = await client.generate({ model: 'llama3.2', prompt });
    expect(again.prompt_eval_count).toBe(first.prompt_eval_count);
    expect(again.prompt_eval_duration).toBeLessThan(first.prompt_eval_duration / 100);
    const fresh = await client.generate({ model: 'llama3.2', prompt: `z${prompt.slice(1)}` });
    expect(fresh.prompt_eval_duration).toBe(first.prompt_eval_duration);
  });

  it('shares a model’s speed among requests beyond its parallel slots', async () => {
    ollama.configure({
      performance: createPerformanceModel({
        defaultSpeed: { generationTokensPerSecond: 40 },
        parallel: 2,
        timeScale: 1,
      }),
    });
    // A model loaded earlier: no cold load to wait for.
    const run = () => client.generate({ model: 'qwen2.5vl:7b', prompt: 'p', options: { num_predict: 4 } });
    const answers = await Promise.all([run(), run(), run(), run()]);
    const speeds = answers.map((a) => a.eval_count / (a.eval_duration / 1e9)).sort((a, b) => b - a);
    // The first two arrive with room; the third and fourth find 3 and 4 in flight.
    expect(speeds.map((s) => Math.round(s))).toEqual([40, 40, 27, 20]);
  });
});
