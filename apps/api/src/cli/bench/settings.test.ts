/** The flags of `bench` → settings; mistakes → usage errors naming the flag. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { benchSettings, DEFAULT_BENCH_URL, runIdAt, runProject } from './settings.js';

const NOW = Date.UTC(2026, 10, 30, 10, 15, 0);

describe('benchSettings', () => {
  it('defaults to the issue’s plan, the gateway’s address and a run id from the start time', () => {
    const settings = benchSettings({}, ['llama3.2', 'llama3.2'], {}, NOW);
    expect(settings).toMatchObject({
      models: ['llama3.2'],
      promptTokens: [128, 512, 2048, 8192],
      outputTokens: 128,
      numCtx: 9216,
      runs: 5,
      concurrency: [1],
      cold: false,
      url: DEFAULT_BENCH_URL,
      cacheDefeat: true,
      maxMs: null,
      runId: '20261130-101500',
    });
    expect(runProject(settings)).toBe('bench:20261130-101500');
    expect(runIdAt(NOW)).toBe('20261130-101500');
  });

  it.each([
    ['0.0.0.0', 'http://0.0.0.0:11434'],
    ['127.0.0.1:11435', 'http://127.0.0.1:11435'],
    ['https://ollama.example.com/', 'https://ollama.example.com'],
  ])('reads OLLAMA_HOST=%s as %s', (host, url) => {
    expect(benchSettings({}, ['m'], { OLLAMA_HOST: host }, NOW).url).toBe(url);
  });

  it.each([
    [{}, [], 'name at least one model'],
    [{ runs: '0' }, ['m'], '--runs "0" is not a positive whole number'],
    [{ 'prompt-tokens': '128,abc' }, ['m'], '--prompt-tokens "abc"'],
    [{ concurrency: '1,-2' }, ['m'], '--concurrency "-2"'],
    [{ 'max-minutes': 'soon' }, ['m'], '--max-minutes "soon" is not a positive number'],
    [{ 'num-ctx': '4k' }, ['m'], '--num-ctx "4k"'],
    [{ url: 'ftp://x' }, ['m'], '--url "ftp://x" is not an http(s) URL'],
    [{ 'run-id': 'a b' }, ['m'], '--run-id "a b"'],
  ])('refuses %j', (flags, models, message) => {
    expect(() => benchSettings(flags, models, {}, NOW)).toThrow(UsageError);
    expect(() => benchSettings(flags, models, {}, NOW)).toThrow(message);
  });
});
