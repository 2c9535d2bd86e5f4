/** `@ollama-perf/middleware/node` — sinks that need Node: the JSONL file sink. */
export { jsonlFileSink, type JsonlFileSinkOptions } from './sinks/jsonl-file.js';
