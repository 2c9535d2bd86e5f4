/** resolveConfig(): defaults, flags over environment variables, and refusals that name the variable. */
import { describe, expect, it } from 'vitest';
import { resolveConfig, SETTINGS } from './config.js';

describe('resolveConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    expect(resolveConfig({})).toEqual({
      port: 11435,
      host: '127.0.0.1',
      ollamaUrl: 'http://127.0.0.1:11434',
      databaseUrl: undefined,
      apiToken: undefined,
      coldStartMs: 500,
      projectHeader: 'X-Project-Name',
      spoolPath: undefined,
      perfLog: undefined,
      perfLogMaxMb: 100,
      firstByteTimeoutMs: 600_000,
      idleTimeoutMs: 300_000,
      residencyIntervalMs: 10_000,
      rollupIntervalMs: 60_000,
      statsExactUpTo: 10_000,
      corsOrigins: [],
    });
  });

  it('takes a flag over its environment variable, and an empty value as unset', () => {
    const config = resolveConfig(
      { PORT: '1', HOST: '', OLLAMA_URL: 'http://ollama:11434/', SPOOL_PATH: 's.jsonl', CORS_ORIGINS: 'a, b,' },
      { port: '2', 'cold-start-ms': '3.5' },
    );
    expect(config).toMatchObject({
      port: 2,
      host: '127.0.0.1',
      ollamaUrl: 'http://ollama:11434',
      coldStartMs: 3.5,
      spoolPath: 's.jsonl',
      corsOrigins: ['a', 'b'],
    });
  });

  it('reads every setting from its environment variable and from its flag', () => {
    for (const setting of SETTINGS) {
      if (setting.fallback === undefined) continue;
      expect(resolveConfig({ [setting.env]: setting.fallback })).toEqual(resolveConfig({}));
      expect(resolveConfig({}, { [setting.flag]: setting.fallback })).toEqual(resolveConfig({}));
    }
    expect(resolveConfig({ DATABASE_URL: 'sqlite:a' }).databaseUrl).toBe('sqlite:a');
    expect(resolveConfig({}, { 'api-token': 't' }).apiToken).toBe('t');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT "abc" is invalid: Invalid input: expected number, received NaN'],
    [{ PORT: '70000' }, 'PORT "70000" is invalid: Too big: expected number to be <=65535'],
    [{ OLLAMA_URL: 'ftp://x' }, 'OLLAMA_URL "ftp://x" is invalid: Invalid URL'],
    [{ COLD_START_MS: '-1' }, 'COLD_START_MS "-1" is invalid: Too small: expected number to be >=0'],
    [{ PROJECT_HEADER: 'a b' }, 'PROJECT_HEADER "a b" is invalid: must be an HTTP header name'],
    [
      { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '0' },
      'UPSTREAM_FIRST_BYTE_TIMEOUT_MS "0" is invalid: Too small: expected number to be >0',
    ],
    [
      { UPSTREAM_IDLE_TIMEOUT_MS: '1.5' },
      'UPSTREAM_IDLE_TIMEOUT_MS "1.5" is invalid: Invalid input: expected int, received number',
    ],
    [{ RESIDENCY_INTERVAL_MS: '-2' }, 'RESIDENCY_INTERVAL_MS "-2" is invalid: Too small: expected number to be >=0'],
    [{ ROLLUP_INTERVAL_MS: 'x' }, 'ROLLUP_INTERVAL_MS "x" is invalid: Invalid input: expected number, received NaN'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => resolveConfig(env)).toThrow(new Error(message));
  });

  it('names the environment variable of a bad flag too', () => {
    expect(() => resolveConfig({ PORT: '1' }, { port: 'x' })).toThrow(/^PORT "x" is invalid/);
  });
});
