/** `@ollama-perf/middleware/node` — sinks that need Node: the JSONL file sink. */
export { type JsonlFileSinkOptions, jsonlFileSink } from './sinks/jsonl-file.js';
