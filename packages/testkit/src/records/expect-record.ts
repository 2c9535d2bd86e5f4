/**
 * The one record assertion of the capture tests (Hono, Express, handlers, client wrapper):
 * the record is valid against the schema every store and export reads, it has the fields
 * the test names, and its times are consistent.
 */
import { type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import { expect } from 'vitest';

/** Fields a test expects of a record: values, or asymmetric matchers (`expect.any(Number)`). */
export type ExpectedRecord = Partial<RequestMetric>;

/**
 * Asserts that `record` is a valid {@link RequestMetric} with the `expected` fields (as
 * `toMatchObject` compares them), a time to first token inside its latency, an
 * `error_type` exactly when it failed, and a chunk count exactly for streams, with a decode
 * time exactly when it counted a chunk, inside the latency.
 *
 * @example
 * await eventually(() => expect(sink.records).toHaveLength(1));
 * expectRecord(sink.records[0], { model: 'llama3.2', operation: 'chat', success: true });
 */
export function expectRecord(record: unknown, expected: ExpectedRecord): asserts record is RequestMetric {
  const parsed = requestMetricSchema.safeParse(record);
  expect(parsed.error?.issues ?? [], 'the record is valid against requestMetricSchema').toEqual([]);
  expect(record).toMatchObject(expected);
  const valid = record as RequestMetric;
  if (valid.ttft_ms !== null) expect(valid.ttft_ms).toBeLessThanOrEqual(valid.latency_ms);
  expect(valid.error_type === null, 'error_type is set exactly when the request failed').toBe(valid.success);
  expect(valid.output_chunks !== null, 'output_chunks is set exactly for streams').toBe(valid.stream);
  expect(valid.decode_ms !== null, 'decode_ms is set exactly when a content chunk was seen').toBe(
    (valid.output_chunks ?? 0) > 0,
  );
  if (valid.decode_ms !== null) expect(valid.decode_ms).toBeLessThanOrEqual(valid.latency_ms);
}
