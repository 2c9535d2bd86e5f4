/** pythonJsonlParser(): Python performance.jsonl lines → records, timestamps, operation names. */
import { describe, expect, it } from 'vitest';
import { normalizeOperation, pythonJsonlParser, pythonTimestamp } from './parse-python-jsonl.js';
import type { ParsedLine } from './parsed-line.js';
import { parseTimeZone, UTC } from './time-zone.js';

const parse = pythonJsonlParser({ timeZone: UTC, coldStartMs: 500 });
const recordOf = (parsed: ParsedLine) => {
  if (!('record' in parsed)) throw new Error(`skipped: ${parsed.skip}`);
  return parsed.record;
};
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    timestamp: '2025-11-05T16:14:34.123456',
    model: 'llama3.2:3b',
    operation: 'generate',
    total_latency_ms: 812.5,
    success: true,
    error: null,
    ...fields,
  });

describe('pythonJsonlParser', () => {
  it('maps the fields onto the record', () => {
    const record = recordOf(
      parse(
        line({
          load_time_ms: 1834.2,
          prompt_eval_time_ms: 120.5,
          generation_time_ms: 380.25,
          prompt_tokens: 26,
          generated_tokens: 95,
          tokens_per_second: 249.83,
          prompt_tokens_per_second: 215.77,
        }),
      ),
    );
    expect(record).toMatchObject({
      ts: Date.UTC(2025, 10, 5, 16, 14, 34, 123),
      model: 'llama3.2:3b',
      operation: 'generate',
      endpoint: '/api/generate',
      status: 200,
      success: true,
      latency_ms: 812.5,
      load_duration_ms: 1834.2,
      prompt_eval_duration_ms: 120.5,
      eval_duration_ms: 380.25,
      prompt_eval_count: 26,
      eval_count: 95,
      tokens_per_second: 249.83,
      prompt_tokens_per_second: 215.77,
      cold_start: true,
      total_duration_ms: null,
    });
  });

  it('derives missing rates and reads zeros as "not measured"', () => {
    const record = recordOf(
      parse(
        line({
          load_time_ms: 0,
          prompt_eval_time_ms: 200,
          generation_time_ms: 0,
          prompt_tokens: 50,
          generated_tokens: 0,
          tokens_per_second: 0,
        }),
      ),
    );
    expect(record).toMatchObject({
      load_duration_ms: null,
      eval_duration_ms: null,
      eval_count: null,
      tokens_per_second: null,
      prompt_tokens_per_second: 250,
      cold_start: false,
    });
    expect(recordOf(parse(line({}))).cold_start).toBeNull();
  });

  it('honours the cold start threshold', () => {
    const strict = pythonJsonlParser({ timeZone: UTC, coldStartMs: 2000 });
    expect(recordOf(strict(line({ load_time_ms: 1834.2 }))).cold_start).toBe(false);
  });

  it.each([
    ['model "mistral:7b" not found, try pulling it first', 'model_not_found', 404],
    ['Read timed out. (read timeout=120)', 'upstream_timeout', 504],
    [
      "HTTPConnectionPool(host='localhost', port=11434): Max retries exceeded (Connection refused)",
      'upstream_unreachable',
      502,
    ],
    ['server busy, please try again', 'upstream_busy', 503],
    ['something broke', 'upstream_error', 500],
  ])('classifies the failure %j as %s', (error, type, status) => {
    expect(recordOf(parse(line({ success: false, error })))).toMatchObject({
      success: false,
      error_type: type,
      status,
      error_message: error,
    });
  });

  it('derives the id from the line: same line, same id', () => {
    expect(recordOf(parse(line({}))).id).toBe(recordOf(parse(` ${line({})} `)).id);
    expect(recordOf(parse(line({}))).id).not.toBe(recordOf(parse(line({ total_latency_ms: 812.6 }))).id);
  });

  it.each([
    ['{"timestamp": "2025-11-05T16:20:00", "total_latency_ms": ', 'unparseable'],
    ['[1, 2]', 'unparseable'],
    [line({ operation: 'pull' }), 'unknown operation'],
    [line({ timestamp: 'yesterday' }), 'invalid record'],
    [line({ total_latency_ms: -1 }), 'invalid record'],
    [line({ total_latency_ms: 'fast' }), 'invalid record'],
    [line({ model: 'x'.repeat(600) }), 'invalid record'],
  ])('skips %j as %s', (text, reason) => {
    expect(parse(text)).toMatchObject({ skip: reason, malformed: true });
  });
});

describe('pythonTimestamp', () => {
  const berlin = parseTimeZone('Europe/Berlin') ?? UTC;
  it.each([
    ['2025-11-05T16:14:34.123456', UTC, Date.UTC(2025, 10, 5, 16, 14, 34, 123)],
    ['2025-11-05T16:14:34.123456', berlin, Date.UTC(2025, 10, 5, 15, 14, 34, 123)],
    ['2025-11-05 16:14:34,250', UTC, Date.UTC(2025, 10, 5, 16, 14, 34, 250)],
    ['2025-11-05T16:14:34Z', berlin, Date.UTC(2025, 10, 5, 16, 14, 34)],
    ['2025-11-05T16:14:34.5+01:00', UTC, Date.UTC(2025, 10, 5, 15, 14, 34, 500)],
    ['2025-11-05T16:14:34-0500', UTC, Date.UTC(2025, 10, 5, 21, 14, 34)],
    [1762359274.5, UTC, 1_762_359_274_500],
    ['1762359274', UTC, 1_762_359_274_000],
    [1762359274500, UTC, 1_762_359_274_500],
  ])('%j → %d', (value, zone, ms) => {
    expect(pythonTimestamp(value, zone)).toBe(ms);
  });

  it.each([null, true, 'yesterday', '2025-13-01T00:00:00', -5])('refuses %j', (value) => {
    expect(pythonTimestamp(value, UTC)).toBeNull();
  });
});

describe('normalizeOperation', () => {
  it.each([
    ['generate', 'generate'],
    ['text_generation', 'generate'],
    ['completion', 'generate'],
    ['stream_generate', 'generate'],
    ['chat', 'chat'],
    ['chat_completion', 'chat'],
    ['Chat', 'chat'],
    ['embed', 'embed'],
    ['embeddings', 'embed'],
    ['pull', null],
    ['', null],
  ])('%s → %s', (name, operation) => {
    expect(normalizeOperation(name)).toBe(operation);
  });
});
