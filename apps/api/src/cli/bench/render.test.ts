/** The terminal table (≤ 100 columns) and the Markdown table of a bench result. */
import { describe, expect, it } from 'vitest';
import { renderBenchMarkdown } from './render-markdown.js';
import { renderBenchTable } from './render-table.js';
import { BENCH_RESULT_VERSION, type BenchResult, cellResult } from './results.js';
import type { Sample } from './sample.js';
import { spreadOf } from './spread.js';

const sample = (start: number, tps: number, ttft: number): Sample => ({
  promptEvalCount: 8192,
  promptTokensPerSecond: 123_456.7,
  evalCount: 128,
  tokensPerSecond: tps,
  loadMs: 0,
  totalMs: 9000,
  doneReason: 'length',
  ttftMs: ttft,
  latencyMs: 12_345.6,
  itlMs: 23.8,
  observedTokensPerSecond: tps - 0.5,
  startedAt: start,
  endedAt: start + 3000,
});

const result: BenchResult = {
  version: BENCH_RESULT_VERSION,
  run_id: '20261130-101500',
  project: 'bench:20261130-101500',
  url: 'http://127.0.0.1:11435',
  gateway: true,
  started_at: '2026-11-30T10:15:00.000Z',
  finished_at: '2026-11-30T10:25:00.000Z',
  stopped: null,
  cache_defeat: true,
  output_tokens: 128,
  num_ctx: 9216,
  runs: 2,
  models: [
    {
      model: 'hf.co/some-org/a-rather-long-model-name-GGUF:Q4_K_M',
      cold_load_ms: spreadOf([3200, 3300]),
      warm_load_ms: spreadOf([0, 0]),
      cells: [
        cellResult(8192, 8, [[sample(0, 41.2, 10_123.4), sample(5, 12.3, 9_876.5)], [sample(9000, 42.9, 1234)]], 3),
      ],
      error: null,
    },
  ],
};

describe('bench renderers', () => {
  it('fits the terminal table in 100 columns, with medians, spreads, done reasons and failures', () => {
    const text = renderBenchTable(result);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toContain('load cold 3,250.0 ±70.7 ms');
    expect(text).toMatch(/8,192 +8 +123,457 +41.2 ±17.2 +40.7 +63.9 +9,877 ±5,063 +23.8 +length 3, failed 3/);
    expect(text).toContain('/stats?project=bench:20261130-101500');
  });

  it('writes one Markdown row per model × prompt length × concurrency', () => {
    const lines = renderBenchMarkdown(result).split('\n');
    expect(lines[0]).toBe(
      '| model | prompt | N | prompt tok/s | gen tok/s | observed | aggregate | TTFT ms | ITL ms | done |',
    );
    expect(lines[1]).toBe('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |');
    expect(lines[2]).toMatch(/^\| hf.co\/some-org\/a-rather-long-model-name-GGUF:Q4_K_M \| 8,192 \| 8 \|/);
  });
});
