import { compareModel, compareWindows, GroupAggregate } from '@ollama-perf/core/rollup';
import { record } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { renderCompare, shortenMiddle } from './render-compare.js';

describe('shortenMiddle', () => {
  it.each([
    ['llama3.2', 30, 'llama3.2'],
    ['hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M', 30, 'hf.co/bartowski…ct-GGUF:Q4_K_M'],
    ['abcdefghij', 5, 'ab…ij'],
  ])('%s in %i columns → %s', (text, width, expected) => {
    expect(shortenMiddle(text, width)).toBe(expected);
    expect(shortenMiddle(text, width).length).toBeLessThanOrEqual(width);
  });
});

describe('renderCompare', () => {
  const speeds = (tps: number, n: number) => {
    const group = new GroupAggregate();
    for (let i = 0; i < n; i++)
      group.add(record({ id: `r${i}`, tokens_per_second: tps * (0.95 + (0.1 * i) / n), latency_ms: 1000 }));
    return group;
  };
  const long = 'hf.co/some-organisation/a-very-long-model-repository-name-GGUF:Q4_K_M';
  const comparison = compareWindows(
    { from: 2e12, to: 2.1e12, baseline_from: 1.9e12, baseline_to: 2e12 },
    new Map([
      [long, speeds(14, 100)],
      ['llama3.2', speeds(20, 100)],
    ]),
    new Map([
      [long, speeds(20, 100)],
      ['llama3.2', speeds(20, 100)],
    ]),
  );

  it('fits 100 columns, flags the worse figure and names the model that regressed', () => {
    const text = renderCompare(comparison, { color: false });
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    const row = text.split('\n').find((line) => line.includes('tokens/s p50') && line.includes('worse'));
    expect(row).toContain(shortenMiddle(long, 30));
    expect(row).toMatch(/-(?:29|30)\.\d%\s+worse$/);
    expect(text).toContain(`Worse beyond noise: ${long}`);
    expect(text.match(/worse$/gm)).toHaveLength(1);
  });

  it('says so when nothing got worse', () => {
    const same = { ...comparison, models: { 'llama3.2': compareModel(speeds(20, 50), speeds(20, 50)) } };
    expect(renderCompare(same, { color: false })).toContain('No model got worse beyond noise.');
  });
});
