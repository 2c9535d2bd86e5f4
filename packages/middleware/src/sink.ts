/**
 * Where records go. A sink is anything with `write(records)`; delivery to it is guarded
 * so that a sink that throws, rejects or never settles cannot touch a user's response.
 */
import type { RequestMetric } from '@ollama-perf/core';

/** A destination for records. `write` may batch, buffer or send; it must not mutate the records. */
export interface MetricSink {
  write(records: RequestMetric[]): void | Promise<void>;
  /** Sends whatever is buffered (called on shutdown). */
  flush?(): Promise<void>;
  /** Flushes and releases resources. */
  close?(): Promise<void>;
}

/** Called when measuring or recording fails; never with the user's data. */
export type MetricErrorHandler = (error: unknown, record?: RequestMetric) => void;

/** The default error handler: one console line per failure. */
export const logMetricError: MetricErrorHandler = (error, record) => {
  const message = error instanceof Error ? error.message : String(error);
  const where = record === undefined ? '' : ` (record ${record.id}, ${record.model} ${record.endpoint})`;
  console.error(`[ollama-perf] could not record a request${where}: ${message}`);
};

/**
 * Writes records to a sink, reporting a throw, a rejection or no answer within
 * `timeoutMs` to `onError`. The returned promise always resolves.
 */
export function deliver(
  sink: MetricSink,
  records: RequestMetric[],
  onError: MetricErrorHandler,
  timeoutMs: number,
): Promise<void> {
  let written: void | Promise<void>;
  try {
    written = sink.write(records);
  } catch (error) {
    return Promise.resolve().then(() => onError(error, records[0]));
  }
  // A sink that answered synchronously (the batching store sink, memory, console) is done:
  // no timer to arm, no race to run, on every request.
  if (!isThenable(written)) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`sink did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([written, timeout])
    .then(
      () => undefined,
      (error: unknown) => onError(error, records[0]),
    )
    .finally(() => {
      if (timer !== undefined) clearTimeout(timer);
    });
}

function isThenable(value: unknown): value is Promise<void> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
