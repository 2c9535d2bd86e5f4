/**
 * The flags of `ollama-perf bench` → its settings: lists of positive integers, the URL it
 * measures (default OLLAMA_HOST, as the `ollama` CLI uses it, else the gateway's address)
 * and where records go. Mistakes become {@link UsageError}s that name the flag.
 */
import { DEFAULT_COLD_START_MS } from '@ollama-perf/core';
import { UsageError } from '../command.js';

/** Where `bench` sends requests when neither `--url` nor OLLAMA_HOST says: the gateway's default address. */
export const DEFAULT_BENCH_URL = 'http://127.0.0.1:11435';

/** What one `bench` run does. */
export interface BenchSettings {
  models: string[];
  /** Prompt lengths to hit, tokens (as Ollama counts them). */
  promptTokens: number[];
  /** Tokens generated per request (`num_predict`). */
  outputTokens: number;
  /** Context window of every request (`num_ctx`): the longest prompt and its answer must fit. */
  numCtx: number;
  /** Measured runs per model × prompt length × concurrency (after one discarded warm-up). */
  runs: number;
  /** Parallel streams per run. */
  concurrency: number[];
  /** Also measure cold loads (unloads each model first). */
  cold: boolean;
  /** Ollama or a gateway in front of it. */
  url: string;
  /** Records land under project `<project>:<run id>`. */
  project: string;
  runId: string;
  /** Stop starting runs after this long, ms (null: no bound). */
  maxMs: number | null;
  /** A unique prefix per request, so Ollama's prompt cache cannot serve it. */
  cacheDefeat: boolean;
  /** Straight to Ollama: POST records to this gateway `/ingest` instead of writing the database. */
  ingestUrl: string | null;
  /** The gateway's API_TOKEN (for `--ingest-url`). */
  token: string | undefined;
  coldStartMs: number;
  /** Longest wait for `/api/ps` to stop listing an unloaded model, ms. */
  unloadTimeoutMs: number;
}

/** The flags as parseArgs returns them. */
export interface BenchFlags {
  'prompt-tokens'?: string | undefined;
  'output-tokens'?: string | undefined;
  'num-ctx'?: string | undefined;
  runs?: string | undefined;
  concurrency?: string | undefined;
  cold?: boolean | undefined;
  url?: string | undefined;
  project?: string | undefined;
  'run-id'?: string | undefined;
  'max-minutes'?: string | undefined;
  'no-cache-defeat'?: boolean | undefined;
  'ingest-url'?: string | undefined;
  token?: string | undefined;
  'unload-timeout'?: string | undefined;
}

/**
 * Settings from flags, positional model names and the environment.
 *
 * @example
 * benchSettings({ 'prompt-tokens': '128,512' }, ['llama3.2'], process.env, Date.now())
 */
export function benchSettings(
  flags: BenchFlags,
  models: string[],
  env: Record<string, string | undefined>,
  now: number,
): BenchSettings {
  if (models.length === 0) throw new UsageError('name at least one model, e.g. ollama-perf bench llama3.2');
  const project = flags.project ?? 'bench';
  if (project.trim() === '') throw new UsageError('--project must not be empty');
  const runId = flags['run-id'] ?? runIdAt(now);
  if (!/^[\w.-]{1,64}$/.test(runId)) throw new UsageError(`--run-id "${runId}": use letters, digits, . _ - (≤ 64)`);
  const promptTokens = integerList(flags['prompt-tokens'] ?? '128,512,2048,8192', 'prompt-tokens');
  const outputTokens = positiveInteger(flags['output-tokens'] ?? '128', 'output-tokens');
  const maxMinutes = flags['max-minutes'] === undefined ? null : positiveNumber(flags['max-minutes'], 'max-minutes');
  return {
    models: [...new Set(models)],
    promptTokens,
    outputTokens,
    numCtx:
      flags['num-ctx'] === undefined
        ? contextFor(Math.max(...promptTokens), outputTokens)
        : positiveInteger(flags['num-ctx'], 'num-ctx'),
    runs: positiveInteger(flags.runs ?? '5', 'runs'),
    concurrency: integerList(flags.concurrency ?? '1', 'concurrency'),
    cold: flags.cold === true,
    url: urlOf(flags.url ?? hostUrl(env.OLLAMA_HOST) ?? DEFAULT_BENCH_URL, 'url'),
    project,
    runId,
    maxMs: maxMinutes === null ? null : maxMinutes * 60_000,
    cacheDefeat: flags['no-cache-defeat'] !== true,
    ingestUrl: flags['ingest-url'] === undefined ? null : urlOf(flags['ingest-url'], 'ingest-url'),
    token: flags.token ?? (env.API_TOKEN || undefined),
    coldStartMs: DEFAULT_COLD_START_MS,
    unloadTimeoutMs: positiveNumber(flags['unload-timeout'] ?? '60', 'unload-timeout') * 1000,
  };
}

/**
 * A context window that holds the longest prompt (with a margin for the fit's error) and its
 * answer, in whole KiB of tokens. Ollama cuts a longer prompt to its context (2048 or 4096 by
 * default), and the one window for all requests keeps the model from reloading between lengths.
 */
export function contextFor(promptTokens: number, outputTokens: number): number {
  return Math.ceil((promptTokens * 1.05 + outputTokens + 64) / 1024) * 1024;
}

/** The run id of a run started at `now`: its UTC start, `20261130-101500`. */
export function runIdAt(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** The project a run's measured requests are recorded under. */
export function runProject(settings: Pick<BenchSettings, 'project' | 'runId'>): string {
  return `${settings.project}:${settings.runId}`;
}

// OLLAMA_HOST may be `host`, `host:port` or a URL, as the ollama CLI accepts it.
function hostUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^https?:\/\//.test(text)) return text;
  return `http://${/:\d+$/.test(text) ? text : `${text}:11434`}`;
}

function urlOf(text: string, flag: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return text.replace(/\/+$/, '');
  } catch {
    throw new UsageError(`--${flag} "${text}" is not an http(s) URL`);
  }
}

function integerList(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => positiveInteger(part.trim(), flag));
  return [...new Set(values)];
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${flag} "${text}" is not a positive whole number`);
  }
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${flag} "${text}" is not a positive number`);
  }
  return value;
}
