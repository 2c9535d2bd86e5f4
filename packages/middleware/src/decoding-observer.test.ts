/**
 * decodingObserver() on its own: which bodies it decompresses (gzip, deflate, br where the
 * runtime has it), which it reads as they are (a body `fetch` already decoded but still
 * labelled), and which it leaves unread — and what the record then says.
 */
import { gzipSync } from 'node:zlib';
import { expectRecord } from '@ollama-perf/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { CaptureContext } from './capture.js';
import { webInflater } from './decode-web.js';
import { decodingObserver } from './decoding-observer.js';
import { memorySink } from './sinks/memory.js';

const sink = memorySink();
const context = new CaptureContext({ sink });
const STREAM = Buffer.from(
  `${JSON.stringify({ model: 'llama3.2', response: 'Hi', done: false })}\n${JSON.stringify({
    model: 'llama3.2',
    response: '',
    done: true,
    done_reason: 'stop',
    eval_count: 4,
    eval_duration: 200_000_000,
  })}\n`,
);

beforeEach(() => {
  sink.records.length = 0;
});

/** Sends `body` in `pieces` through a capture behind a decoding observer; resolves with the record. */
async function recordOf(encoding: string | null, body: Buffer, pieces = 5, noBrotli = false): Promise<unknown> {
  const capture = context.begin({ endpoint: '/api/generate', operation: 'generate', project: null });
  capture.respond(200, 'application/x-ndjson');
  const observer = decodingObserver(
    encoding,
    { chunk: (bytes) => capture.chunk(bytes), end: (outcome) => void capture.finish(outcome) },
    (coding, output) => (noBrotli && coding === 'br' ? null : webInflater(coding, output)),
  );
  const step = Math.ceil(body.length / pieces);
  for (let at = 0; at < body.length; at += step) observer.chunk(body.subarray(at, at + step));
  observer.end({});
  await expect.poll(() => sink.records.length).toBe(1);
  return sink.records[0];
}

describe('decodingObserver()', () => {
  it('decompresses gzip cut anywhere, even one byte at a time', async () => {
    const gz = gzipSync(STREAM);
    expectRecord(await recordOf('gzip', gz, gz.length), { success: true, eval_count: 4, tokens_per_second: 20 });
  });

  it('reads a body labelled gzip that is not compressed (fetch decoded it) as it is', async () => {
    expectRecord(await recordOf('gzip', STREAM), { success: true, eval_count: 4 });
  });

  it('leaves a body it cannot decompress unread: success by status, no figures', async () => {
    expectRecord(await recordOf('br', Buffer.from([0x1b, 0x2f, 0x00]), 1, true), {
      success: true,
      eval_count: null,
      ttft_ms: null,
    });
    sink.records.length = 0;
    expectRecord(await recordOf('gzip, br', gzipSync(STREAM)), { success: true, eval_count: null });
  });

  it('records a corrupt gzip body as a stream_error', async () => {
    const corrupt = Buffer.concat([gzipSync(STREAM).subarray(0, 10), Buffer.alloc(40, 0xff)]);
    expectRecord(await recordOf('gzip', corrupt), {
      success: false,
      error_type: 'stream_error',
      error_message: expect.stringContaining('could not be decompressed'),
    });
  });
});
