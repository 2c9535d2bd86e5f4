/** `@ollama-perf/middleware/node` — what needs Node: the JSONL file sink, zlib decompression. */
export { nodeInflater } from './decode-node.js';
export { type JsonlFileSinkOptions, jsonlFileSink } from './sinks/jsonl-file.js';
