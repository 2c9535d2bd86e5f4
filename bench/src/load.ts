/**
 * A small HTTP load generator on node:http (no autocannon): `concurrency` workers share a
 * keep-alive Agent and each sends its next request as soon as the previous one ended, until
 * a request count, a deadline or a stop condition is reached. Every request's latency (start → last byte) and
 * time to first byte (start → first body byte) is kept, so percentiles are exact. It talks to
 * 127.0.0.1 only: the benchmarks never leave the machine.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type LatencySummary, summarizeLatencies } from './sample-stats.js';

/** What to send and for how long. */
export interface LoadOptions {
  /** Full URL on 127.0.0.1, e.g. `http://127.0.0.1:11434/api/generate`. */
  url: string;
  /** Default `GET`, or `POST` when a body is given. */
  method?: string;
  /** Request body, sent with `Content-Length`; a function gives each request its own (called with 0, 1, 2…). */
  body?: string | Buffer | ((index: number) => string | Buffer);
  headers?: Record<string, string>;
  /** Requests in flight at once; 1 is sequential. Default 1. */
  concurrency?: number;
  /** Stop after this many requests (counting from the first). Default: no limit. */
  maxRequests?: number;
  /** Stop starting new requests after this long, ms. Default: no limit (then `maxRequests` or `until` is required). */
  durationMs?: number;
  /** Stop starting new requests once this returns true (checked before each request). */
  until?: () => boolean;
  /** Requests sent (and not measured) before the measured ones, on the same connections. Default 0. */
  warmupRequests?: number;
  /** Longest a single request may take before it is counted as an error, ms. Default 120000. */
  requestTimeoutMs?: number;
  /** Status a response must have to count as a success. Default 200. */
  expectStatus?: number;
}

/** Figures of one load run. */
export interface LoadResult {
  /** Requests completed with the expected status (measured phase only). */
  requests: number;
  /** Requests that failed (wrong status, connection error, timeout). */
  errors: number;
  /** Wall time of the measured phase, ms. */
  elapsedMs: number;
  requestsPerSecond: number;
  /** Response body bytes received in the measured phase. */
  bytes: number;
  /** Start → last byte, ms, over successful requests. */
  latency: LatencySummary;
  /** Start → first body byte, ms, over successful requests. */
  ttfb: LatencySummary;
  /** First error message seen, for the report. */
  firstError: string | null;
}

interface OneResponse {
  ok: boolean;
  status: number;
  latencyMs: number;
  ttfbMs: number;
  bytes: number;
  error: string | null;
  /** The body, when asked to keep it. */
  body: Buffer | null;
}

/** Refuses anything but 127.0.0.1: a benchmark must not load a machine it does not own. */
export function assertLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1')
    throw new Error(`the load generator only targets http://127.0.0.1, not ${url}`);
  return parsed;
}

function once(
  agent: Agent,
  target: URL,
  options: LoadOptions,
  body: Buffer | null,
  keepBody = false,
): Promise<OneResponse> {
  const expected = options.expectStatus ?? 200;
  const timeoutMs = options.requestTimeoutMs ?? 120_000;
  return new Promise((resolve) => {
    const started = performance.now();
    let ttfb = Number.NaN;
    let bytes = 0;
    let status = 0;
    let settled = false;
    const kept: Buffer[] = [];
    const settle = (ok: boolean, error: string | null) => {
      if (settled) return;
      settled = true;
      const latencyMs = performance.now() - started;
      resolve({
        ok,
        status,
        latencyMs,
        ttfbMs: Number.isNaN(ttfb) ? latencyMs : ttfb,
        bytes,
        error,
        body: keepBody ? Buffer.concat(kept) : null,
      });
    };
    const headers: Record<string, string | number> = { ...options.headers };
    if (body !== null) headers['content-length'] = body.length;
    const req = request(
      target,
      { agent, method: options.method ?? (body === null ? 'GET' : 'POST'), headers, timeout: timeoutMs },
      (res) => {
        status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => {
          if (bytes === 0) ttfb = performance.now() - started;
          bytes += chunk.length;
          if (keepBody) kept.push(chunk);
        });
        res.on('end', () =>
          settle(res.statusCode === expected, res.statusCode === expected ? null : `status ${res.statusCode}`),
        );
        res.on('error', (error) => settle(false, error.message));
        res.on('aborted', () => settle(false, 'response aborted'));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => settle(false, error.message));
    req.end(body ?? undefined);
  });
}

/**
 * Runs a load and returns its figures. With neither `maxRequests` nor `durationMs` it
 * throws, so a run is always bounded.
 *
 * @example
 * const run = await runLoad({ url: `${gateway}/api/generate`, body, concurrency: 64, durationMs: 2000 });
 * console.log(run.requestsPerSecond, run.latency.p99);
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = assertLoopback(options.url);
  if (options.maxRequests === undefined && options.durationMs === undefined && options.until === undefined)
    throw new Error('runLoad needs maxRequests, durationMs or until');
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    const warmup = options.warmupRequests ?? 0;
    if (warmup > 0) await phase(agent, target, options, 0, concurrency, warmup, undefined);
    return await phase(agent, target, options, warmup, concurrency, options.maxRequests, options.durationMs);
  } finally {
    agent.destroy();
  }
}

/** One timed request and its body. */
export interface TimedResponse {
  status: number;
  /** Start → last byte, ms. */
  latencyMs: number;
  /** Start → first body byte, ms. */
  ttfbMs: number;
  body: Buffer;
}

/**
 * Sends one request (fresh connection) and resolves with its timing and body; rejects when
 * the connection fails or the request times out.
 *
 * @example
 * const { latencyMs, body } = await timedRequest({ url: `${api}/stats`, requestTimeoutMs: 600_000 });
 */
export async function timedRequest(
  options: Omit<LoadOptions, 'concurrency' | 'maxRequests' | 'durationMs' | 'warmupRequests'>,
): Promise<TimedResponse> {
  const target = assertLoopback(options.url);
  const body = bodyAt(options.body, 0);
  const agent = new Agent({ keepAlive: false });
  try {
    // Any status is an answer here: the caller decides what it means.
    const result = await once(agent, target, { ...options, expectStatus: -1 }, body, true);
    if (result.status === 0)
      throw new Error(`${options.method ?? 'GET'} ${options.url} failed: ${result.error ?? 'no answer'}`);
    return {
      status: result.status,
      latencyMs: result.latencyMs,
      ttfbMs: result.ttfbMs,
      body: result.body ?? Buffer.alloc(0),
    };
  } finally {
    agent.destroy();
  }
}

function bodyAt(body: LoadOptions['body'], index: number): Buffer | null {
  const value = typeof body === 'function' ? body(index) : body;
  return value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(value);
}

async function phase(
  agent: Agent,
  target: URL,
  options: LoadOptions,
  firstIndex: number,
  concurrency: number,
  maxRequests: number | undefined,
  durationMs: number | undefined,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  let started = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | null = null;
  const t0 = performance.now();
  const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : t0 + durationMs;
  // A fixed body is encoded once, not per request.
  const fixed = typeof options.body === 'function' ? null : bodyAt(options.body, 0);
  const more = () =>
    (maxRequests === undefined || started < maxRequests) && performance.now() < deadline && options.until?.() !== true;

  async function worker(): Promise<void> {
    while (more()) {
      const index = firstIndex + started++;
      const result = await once(
        agent,
        target,
        options,
        typeof options.body === 'function' ? bodyAt(options.body, index) : fixed,
      );
      bytes += result.bytes;
      if (result.ok) {
        latencies.push(result.latencyMs);
        ttfbs.push(result.ttfbMs);
      } else {
        errors++;
        firstError ??= result.error;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  return {
    requests: latencies.length,
    errors,
    elapsedMs,
    requestsPerSecond: latencies.length / (elapsedMs / 1000),
    bytes,
    latency: summarizeLatencies(latencies),
    ttfb: summarizeLatencies(ttfbs),
    firstError,
  };
}
