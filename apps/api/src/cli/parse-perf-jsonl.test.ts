/** perfJsonlParser(): the Python snippet's performance.jsonl lines → records. */
import { describe, expect, it } from 'vitest';
import { perfJsonlParser } from './parse-perf-jsonl.js';
import type { ParsedLine } from './parsed-line.js';
import { UTC } from './time-zone.js';

const MODIFIED = Date.UTC(2026, 10, 30, 9, 0, 0, 0);
const parse = perfJsonlParser({
  timeZone: UTC,
  coldStartMs: 500,
  path: '/logs/performance.jsonl',
  modifiedMs: MODIFIED,
});
const recordOf = (parsed: ParsedLine) => {
  if (!('record' in parsed)) throw new Error(`skipped: ${parsed.skip}`);
  return parsed.record;
};
// As the snippet writes it: json.dumps, with its ", " and ": " separators.
const LINE =
  '{"model": "qwen2.5vl:7b", "load_duration_ms": 4151.2, "prompt_eval_duration_ms": 210.5, "eval_duration_ms": 3021.7, "tokens_per_second": 41.3, "prompt_tokens": 812, "generated_tokens": 125}';

describe('perfJsonlParser', () => {
  it('maps every key onto the record, stamps the line with the modification time', () => {
    const parsed = parse(LINE, 3);
    expect(parsed).not.toHaveProperty('unused');
    expect(parsed).toHaveProperty('undated', true);
    const record = recordOf(parsed);
    expect(record).toMatchObject({
      ts: MODIFIED + 2,
      model: 'qwen2.5vl:7b',
      operation: 'generate',
      endpoint: '/api/generate',
      success: true,
      status: 200,
      error_type: null,
      latency_ms: 4151.2 + 210.5 + 3021.7,
      total_duration_ms: null,
      load_duration_ms: 4151.2,
      prompt_eval_duration_ms: 210.5,
      eval_duration_ms: 3021.7,
      prompt_eval_count: 812,
      eval_count: 125,
      tokens_per_second: 41.3,
      cold_start: true,
    });
    expect(record.prompt_tokens_per_second).toBeCloseTo(812 / 0.2105, 6);
  });

  it('a short load is warm; a missing one too', () => {
    expect(recordOf(parse(LINE.replace('4151.2', '12.5'), 1)).cold_start).toBe(false);
    expect(recordOf(parse('{"model": "m", "eval_duration_ms": 100, "generated_tokens": 10}', 1))).toMatchObject({
      cold_start: false,
      load_duration_ms: null,
      latency_ms: 100,
      tokens_per_second: 100,
    });
  });

  it('names the keys it does not use', () => {
    expect(parse(LINE.replace('}', ', "request_id": "r-1", "gpu": 0}'), 1)).toMatchObject({
      unused: ['request_id', 'gpu'],
    });
  });

  it('keeps a timestamp or an operation when the line has one', () => {
    const record = recordOf(
      parse(LINE.replace('}', ', "timestamp": "2025-11-05T16:14:34.5", "operation": "chat"}'), 1),
    );
    expect(record).toMatchObject({ ts: Date.UTC(2025, 10, 5, 16, 14, 34, 500), operation: 'chat' });
  });

  it('ids are stable per path, line number and content', () => {
    const id = (line: string, n: number, path = '/logs/performance.jsonl') =>
      recordOf(perfJsonlParser({ timeZone: UTC, coldStartMs: 500, path, modifiedMs: MODIFIED + 1 })(line, n)).id;
    expect(id(LINE, 1)).toBe(recordOf(parse(LINE, 1)).id);
    expect(id(LINE, 2)).not.toBe(id(LINE, 1));
    expect(id(LINE, 1, '/other.jsonl')).not.toBe(id(LINE, 1));
  });

  it('skips lines it cannot read, with the reason', () => {
    expect(parse('{"model": "m"', 1)).toMatchObject({ skip: 'unparseable', malformed: true });
    expect(parse('{"model": "m", "prompt_tokens": 3}', 1)).toMatchObject({
      skip: 'invalid record',
      detail: 'no load, prompt eval or eval duration',
    });
    expect(parse(LINE.replace('}', ', "operation": "pull"}'), 1)).toMatchObject({ skip: 'unknown operation' });
  });
});
