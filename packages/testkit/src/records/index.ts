/**
 * @ollama-perf/testkit/records — records for tests: one to start from, a deterministic set,
 * and the record assertion. Runtime-free (no Node APIs), so workerd tests import it too.
 */

export * from './expect-record.js';
export * from './fixture-records.js';
export * from './record.js';
export * from './regression-records.js';
