/** @ollama-perf/testkit — test support: a stand-in Ollama speaking Ollama's wire format. */

export * from './ollama-wire.js';
export * from './random.js';
export * from './stand-in-ollama.js';
