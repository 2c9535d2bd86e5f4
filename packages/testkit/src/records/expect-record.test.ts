/** expectRecord() fails on what a user would notice, and the fixtures it is used with are valid. */
import { requestMetricSchema } from '@ollama-perf/core';
import { describe, expect, it } from 'vitest';
import { expectRecord } from './expect-record.js';
import { fixtureRecords } from './fixture-records.js';
import { record } from './record.js';

describe('expectRecord', () => {
  it('passes a valid record with the expected fields, matchers included', () => {
    expectRecord(record(), { model: 'llama3.2', operation: 'chat', latency_ms: expect.any(Number) });
    expectRecord(record({ stream: true, ttft_ms: 10, output_chunks: 3, decode_ms: 80 }), { output_chunks: 3 });
    expectRecord(record({ success: false, status: 404, error_type: 'model_not_found' }), { status: 404 });
  });

  it.each([
    ['a field differs', record(), { model: 'qwen2.5vl:7b' }],
    ['the record is missing', undefined, {}],
    ['a field is not in the schema', { ...record(), extra: 1 }, {}],
    ['a field has the wrong type', record({ eval_count: 1.5 }), {}],
    ['the TTFT is longer than the latency', record({ stream: true, ttft_ms: 101, output_chunks: 0 }), {}],
    ['a stream has no chunk count', record({ stream: true, ttft_ms: 10 }), {}],
    ['a non-streamed answer has a chunk count', record({ output_chunks: 0 }), {}],
    ['chunks were counted without a decode time', record({ stream: true, output_chunks: 2 }), {}],
    ['the decode time is longer than the latency', record({ stream: true, output_chunks: 2, decode_ms: 101 }), {}],
    ['it failed without an error_type', record({ success: false }), {}],
    ['it succeeded with an error_type', record({ error_type: 'stream_error' }), {}],
  ])('fails when %s', (_, actual, expected) => {
    expect(() => expectRecord(actual, expected)).toThrow();
  });
});

describe('record fixtures', () => {
  it('are valid records, fixtureRecords() the same on every call', () => {
    expect(requestMetricSchema.safeParse(record()).success).toBe(true);
    const records = fixtureRecords();
    expect(records).toHaveLength(240);
    for (const one of records) expect(requestMetricSchema.safeParse(one).error?.issues ?? []).toEqual([]);
    expect(fixtureRecords()).toEqual(records);
  });
});
