/** detectFormat(): which importer reads a file, from its first lines. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8').split('\n');

describe('detectFormat', () => {
  it('recognizes the fixture files', () => {
    expect(detectFormat(fixture('ollama-server-log.txt'))).toBe('gin');
    expect(detectFormat(fixture('python-performance.jsonl'))).toBe('python');
  });

  it.each([
    [['', '{"id":"a","ts":1,"model":"m","operation":"chat","latency_ms":3}'], 'jsonl'],
    [['{"timestamp": 1762355730.25, "operation": "chat"}'], 'python'],
    [['{"total_latency_ms": 12}'], 'python'],
    [['{"model": "qwen2.5vl:7b", "load_duration_ms": 4151.2, "prompt_eval_duration_ms": 210.5}'], 'perf-jsonl'],
    [['{"model": "m", "eval_duration_ms": 3021.7, "generated_tokens": 125}'], 'perf-jsonl'],
    [['time=2025-11-05T16:14:21.123+01:00 level=INFO source=routes.go:1 msg="server config"'], 'gin'],
    [['2024/05/01 12:00:00 routes.go:1008: INFO server config env="map[]"'], 'gin'],
    [['Nov 05 16:14:34 gpu ollama[12]: time=2025-11-05T16:14:34.000+01:00 level=INFO source=x.go:1 msg=x'], 'gin'],
    [['\x1b[0m[GIN] 2025/11/05 - 16:14:34 | 200 | 1s | ::1 | POST "/api/chat"'], 'gin'],
    // Undecided lines are passed over until one tells.
    [['not json', '{"unrelated": true}', '[GIN] 2025/11/05 - 16:14:34 | 200 | 1s | ::1 | POST "/api/chat"'], 'gin'],
  ])('%j → %s', (lines, format) => {
    expect(detectFormat(lines)).toBe(format);
  });

  it('gives up on files that say nothing it knows', () => {
    expect(detectFormat(['a,b,c', '1,2,3'])).toBeNull();
    expect(detectFormat([])).toBeNull();
    expect(
      detectFormat([
        ...Array.from({ length: 50 }, () => 'noise'),
        '[GIN] 2025/11/05 - 16:14:34 | 200 | 1s | ::1 | POST "/api/chat"',
      ]),
    ).toBeNull();
  });
});
