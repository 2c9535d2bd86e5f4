/**
 * The compressed answers every data path must pass through unchanged and still measure:
 * one table, so the Node gateway's tests and the middleware's check the same things.
 */
import { expect } from 'vitest';
import type { StandInCompression } from './compression.js';
import type { ExpectedRecord } from './records/index.js';

/** One compressed answer: what is asked, how the stand-in compresses it, what the record must say. */
export interface CompressedCase {
  what: string;
  compression: StandInCompression;
  path: string;
  body: Record<string, unknown>;
  record: ExpectedRecord;
}

// Native answers carry Ollama's timings; /v1 ones only token counts.
const TIMED = { tokens_per_second: expect.any(Number), total_duration_ms: expect.any(Number) };
const messages = [{ role: 'user', content: 'Why is the sky blue?' }];

/** Answers whose record must be a success with the figures of Ollama's final message. */
export const COMPRESSED_CASES: CompressedCase[] = [
  {
    what: 'a gzip NDJSON chat stream',
    compression: 'gzip',
    path: '/api/chat',
    body: { model: 'llama3.2', messages, stream: true },
    record: { success: true, stream: true, model: 'llama3.2', eval_count: 8, done_reason: 'stop', ...TIMED },
  },
  {
    what: 'a deflate NDJSON generate stream',
    compression: 'deflate',
    path: '/api/generate',
    body: { model: 'llama3.2', prompt: 'Why is the sky blue?' },
    record: { success: true, stream: true, operation: 'generate', eval_count: 8, done_reason: 'stop', ...TIMED },
  },
  {
    what: 'a gzip /v1 SSE stream',
    compression: 'gzip',
    path: '/v1/chat/completions',
    body: { model: 'llama3.2', messages, stream: true, stream_options: { include_usage: true } },
    record: { success: true, stream: true, endpoint: '/v1/chat/completions', eval_count: 8, done_reason: 'stop' },
  },
  {
    what: 'a gzip JSON answer (not streamed)',
    compression: 'gzip',
    path: '/api/generate',
    body: { model: 'llama3.2', prompt: 'Why is the sky blue?', stream: false },
    record: { success: true, stream: false, eval_count: 8, done_reason: 'stop', ...TIMED },
  },
];

/** A br stream: Node's zlib has brotli, `DecompressionStream` often not. */
export const BROTLI_CASE: CompressedCase = {
  what: 'a br NDJSON chat stream',
  compression: 'br',
  path: '/api/chat',
  body: { model: 'llama3.2', messages, stream: true },
  record: { success: true, stream: true, eval_count: 8, done_reason: 'stop', ...TIMED },
};

/** A gzip header followed by garbage: delivered as sent, recorded as an error. */
export const CORRUPT_GZIP_RECORD = {
  success: false,
  status: 200,
  error_type: 'stream_error' as const,
  error_message: expect.stringContaining('could not be decompressed'),
};
