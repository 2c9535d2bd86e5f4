/**
 * @ollama-perf/core — the record schema, Ollama response parsing, stream readers and
 * statistics of ollama-perf. Pure: no I/O, no clock, no runtime-specific globals.
 */

export * from './aggregate.js';
export * from './buckets.js';
export * from './error-type.js';
export * from './filter.js';
export * from './group.js';
export * from './json-text.js';
export * from './line-splitter.js';
export * from './ollama-timings.js';
export * from './operation.js';
export * from './percentile.js';
export * from './request-metric.js';
export * from './response-observer.js';
export * from './rollup-codec.js';
export * from './rollup-summary.js';
export * from './schema.js';
export * from './schema-predicate.js';
export * from './series.js';
export * from './sketch.js';
export * from './stream-readers.js';
export * from './summarize.js';
export * from './summary-diff.js';
export * from './summary-schema.js';
