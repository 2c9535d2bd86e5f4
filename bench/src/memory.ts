/**
 * Memory: does a long stream through the gateway stay out of its memory? ~200 MB of NDJSON
 * (one `/api/generate` with num_predict 2,000,000, the stand-in's cap) goes through the built
 * gateway (`ollama-perf serve`, the process users run, with its SQLite store) while its
 * VmRSS is sampled from /proc; the kernel's VmHWM (reset just before) catches peaks between
 * samples. The same stream through a bare Hono proxy (same proxy code, no middleware) is the
 * baseline measured in the same run: what the runtime itself holds for such a stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, timedRequest } from './load.js';
import type { Log, Mode } from './mode.js';
import { processMemory, resetPeakRss, type ServerProcess, spawnGateway, spawnServer } from './server-process.js';

/** Sizes of a memory run. */
export interface MemorySizes {
  /** Generated lines per streamed request (≈100 bytes each; the stand-in caps it at 2,000,000). */
  tokens: number;
  /** Streamed requests, one after the other. */
  requests: number;
  /** Small streams sent first, so that start-up allocations are not counted as growth. */
  warmupRequests: number;
  /** How long to wait after the stream before reading the final RSS, ms. */
  settleMs: number;
}

/** Presets per mode. */
export const MEMORY_SIZES: Record<Mode, MemorySizes> = {
  tiny: { tokens: 2000, requests: 1, warmupRequests: 2, settleMs: 100 },
  quick: { tokens: 100_000, requests: 1, warmupRequests: 20, settleMs: 500 },
  default: { tokens: 2_000_000, requests: 1, warmupRequests: 50, settleMs: 1500 },
  full: { tokens: 2_000_000, requests: 3, warmupRequests: 50, settleMs: 2000 },
};

/** Memory of one process while the stream went through it. */
export interface MemoryMeasurement {
  subject: 'gateway' | 'bare-hono';
  /** Body bytes the client received (the big streams only). */
  bytesStreamed: number;
  /** MB/s of the big streams, client side. */
  throughputMBps: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** Peak − before, bytes. */
  growth: number;
  /** Whether the kernel's peak (VmHWM) could be reset before the stream (else only samples count). */
  hwmUsed: boolean;
  samples: number;
  errors: number;
}

/** Result of {@link runMemory}. */
export interface MemoryResult {
  sizes: MemorySizes;
  measurements: MemoryMeasurement[];
  /** Generated tokens the gateway recorded for the big streams (`/stats`), against what was sent. */
  recordedTokens: { expected: number; actual: number | null };
}

async function measureProcess(
  subject: MemoryMeasurement['subject'],
  pid: number,
  url: string,
  sizes: MemorySizes,
  log: Log,
): Promise<MemoryMeasurement> {
  const request = (tokens: number) => ({
    url: `${url}/api/generate`,
    body: JSON.stringify({ model: 'llama3.2', prompt: 'Tell me a very long story.', options: { num_predict: tokens } }),
    headers: { 'content-type': 'application/json' },
  });
  await runLoad({ ...request(1000), maxRequests: sizes.warmupRequests, concurrency: 1 });
  await sleep(sizes.settleMs);
  const before = processMemory(pid).rss;
  const hwmUsed = resetPeakRss(pid);
  let peak = before;
  let samples = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, processMemory(pid).rss);
    samples++;
  }, 20);
  log(`memory: streaming ${sizes.requests} × ${sizes.tokens.toLocaleString('en-US')} lines through the ${subject}`);
  const run = await runLoad({
    ...request(sizes.tokens),
    maxRequests: sizes.requests,
    concurrency: 1,
    requestTimeoutMs: 1_800_000,
  });
  clearInterval(sampler);
  const afterStream = processMemory(pid);
  peak = Math.max(peak, afterStream.rss, hwmUsed ? afterStream.hwm : 0);
  await sleep(sizes.settleMs);
  const after = processMemory(pid).rss;
  return {
    subject,
    bytesStreamed: run.bytes,
    throughputMBps: run.bytes / 1e6 / (run.elapsedMs / 1000),
    rssBefore: before,
    rssPeak: peak,
    rssAfter: after,
    growth: peak - before,
    hwmUsed,
    samples,
    errors: run.errors,
  };
}

/**
 * Runs the memory benchmark (builds `@ollama-perf/api` first when its dist is missing).
 *
 * @example
 * const { measurements } = await runMemory(MEMORY_SIZES.default, console.log);
 */
export async function runMemory(sizes: MemorySizes, log: Log): Promise<MemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-bench-memory-'));
  const started: Array<{ stop(): Promise<unknown> }> = [];
  try {
    // Many writes per answer, awaiting drain like Ollama's flushes: backpressure reaches the stand-in.
    const ollama: ServerProcess = await spawnServer({ kind: 'stand-in', options: { maxChunks: 20_000 } });
    started.push(ollama);
    const gateway = await spawnGateway({
      OLLAMA_URL: ollama.url,
      DATABASE_URL: `sqlite:${join(dir, 'memory.sqlite')}`,
    });
    started.push(gateway);
    const bare = await spawnServer({ kind: 'bare-hono', upstream: ollama.url });
    started.push(bare);

    const measurements = [
      await measureProcess('gateway', gateway.child.pid as number, gateway.url, sizes, log),
      await measureProcess('bare-hono', bare.pid, bare.url, sizes, log),
    ];
    // The gateway recorded the big streams: its generated_tokens count them (warm-ups add 1000 each).
    const stats = await timedRequest({ url: `${gateway.url}/stats` });
    const generated =
      stats.status === 200
        ? (JSON.parse(stats.body.toString('utf8')) as { generated_tokens?: number }).generated_tokens
        : undefined;
    const expected = sizes.requests * sizes.tokens;
    return {
      sizes,
      measurements,
      recordedTokens: { expected, actual: generated === undefined ? null : generated - sizes.warmupRequests * 1000 },
    };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
