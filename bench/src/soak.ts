/**
 * The soak of the reliability issue: 200 concurrent streaming requests for 30 s through the
 * built gateway (`ollama-perf serve`, SQLite) to the stand-in Ollama, on 127.0.0.1 only.
 * Reports requests, errors, records stored after a SIGTERM (must equal requests) and the
 * gateway's RSS over time (must stay flat: no growth with the number of requests served).
 * Run: `pnpm --filter @ollama-perf/bench soak` (or `--quick` for a few seconds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../apps/api/src/storage/open-node.ts';
import { runLoad } from './load.js';
import { processMemory, spawnGateway, spawnServer } from './server-process.js';

/** Size of one soak run. */
export interface SoakOptions {
  concurrency: number;
  durationMs: number;
  /** RSS sampling interval, ms. */
  sampleEveryMs: number;
}

/** The figures of one soak run. */
export interface SoakResult {
  options: SoakOptions;
  requests: number;
  errors: number;
  /** Records in the database after the gateway's graceful shutdown. */
  records: number;
  /** Gateway RSS samples (bytes) over the run, oldest first. */
  rss: number[];
  /**
   * RSS at the end minus RSS half-way, bytes. V8 sizes its heap to the working set of the
   * streams in flight during the first seconds; after that, flat memory means this stays small.
   */
  growthSecondHalf: number;
  exitCode: number | null;
}

/** Runs one soak: stand-in and gateway in their own processes, the load from this one. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-soak-'));
  const database = join(dir, 'soak.sqlite');
  // A streamed chat of 8 tokens cut in up to 24 chunks, 2 ms apart: every request stays in flight a while.
  const ollama = await spawnServer({ kind: 'stand-in', options: { chunkDelayMs: 2 } });
  const gateway = await spawnGateway({
    OLLAMA_URL: ollama.url,
    DATABASE_URL: `sqlite:${database}`,
    SPOOL_PATH: join(dir, 'soak.spool.jsonl'),
    RESIDENCY_INTERVAL_MS: '0',
  });
  const pid = gateway.child.pid as number;
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(processMemory(pid).rss), options.sampleEveryMs);
  try {
    const load = await runLoad({
      url: `${gateway.url}/api/chat`,
      method: 'POST',
      body: (i) => JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: `soak ${i}` }] }),
      concurrency: options.concurrency,
      durationMs: options.durationMs,
    });
    clearInterval(sampler);
    rss.push(processMemory(pid).rss);
    const exitCode = await gateway.stop();
    const store = await openStore(`sqlite:${database}`);
    const records = await store.count();
    await store.close();
    const halfway = rss[Math.floor(rss.length / 2)] ?? rss[0] ?? 0;
    return {
      options,
      requests: load.requests,
      errors: load.errors,
      records,
      rss,
      growthSecondHalf: (rss.at(-1) ?? 0) - halfway,
      exitCode,
    };
  } finally {
    clearInterval(sampler);
    await gateway.stop().catch(() => undefined);
    await ollama.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MB = 1024 * 1024;

/** The soak as text. */
export function describeSoak(r: SoakResult): string {
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  return [
    `soak: ${r.options.concurrency} concurrent streams for ${r.options.durationMs / 1000} s through the gateway (SQLite)`,
    `  requests ${r.requests}, errors ${r.errors}, records stored ${r.records} (${r.records === r.requests + r.errors ? 'equal' : 'NOT equal'} to requests sent), exit ${r.exitCode}`,
    `  gateway RSS: first ${mb(r.rss[0] ?? 0)}, max ${mb(Math.max(...r.rss))}, last ${mb(r.rss.at(-1) ?? 0)}; growth over the second half ${mb(r.growthSecondHalf)}`,
  ].join('\n');
}

// Run directly: `tsx src/soak.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await runSoak({ concurrency: 200, durationMs: quick ? 5_000 : 30_000, sampleEveryMs: 1000 });
  console.log(describeSoak(result));
  process.exitCode =
    result.errors === 0 && result.records === result.requests + result.errors && result.exitCode === 0 ? 0 : 1;
}
