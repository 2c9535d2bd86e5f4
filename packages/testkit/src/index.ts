/**
 * @ollama-perf/testkit — test support: a stand-in Ollama speaking Ollama's wire format,
 * servers on real ports, and records (fixtures and the record assertion).
 */

export * from './compressed-cases.js';
export * from './compressed-suite.js';
export * from './compression.js';
export * from './idle-closing-upstream.js';
export * from './leaving-client.js';
export * from './ollama-wire.js';
export * from './performance-model.js';
export * from './random.js';
export * from './raw-request.js';
export * from './records/index.js';
export * from './serve-on-port.js';
export * from './stand-in-ollama.js';
