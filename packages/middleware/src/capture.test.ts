/**
 * RequestCapture's count of content chunks (`output_chunks`, `decode_ms`) whatever the format
 * and chunking: every content line counted once, typed events (Responses, Messages APIs) by
 * what they are, not by the text fields they carry; nothing for bodies that are not streams.
 */
import { expectRecord } from '@ollama-perf/testkit';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { CaptureContext } from './capture.js';
import { memorySink } from './sinks/memory.js';

const sink = memorySink();
const context = new CaptureContext({ sink });

beforeEach(() => {
  sink.records.length = 0;
});

const line = (value: object) => `${JSON.stringify(value)}\n`;
const sse = (value: object) => `data: ${JSON.stringify(value)}\n\n`;

const NATIVE = [
  line({ model: 'qwen3', message: { role: 'assistant', content: '', thinking: 'Hm' }, done: false }),
  line({ model: 'qwen3', message: { role: 'assistant', content: '' }, done: false }),
  line({ model: 'qwen3', message: { role: 'assistant', content: 'A "quoted" word' }, done: false }),
  line({ model: 'qwen3', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'f' } }] } }),
  line({ model: 'qwen3', message: { role: 'assistant', content: '🦙' }, done: false }),
  line({ model: 'qwen3', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' }),
].join('');

const RESPONSES = [
  sse({ type: 'response.created', response: { model: 'qwen3' } }),
  sse({ type: 'response.output_text.delta', delta: 'Hel' }),
  sse({ type: 'response.output_text.delta', delta: 'lo' }),
  sse({ type: 'response.output_text.done', text: 'Hello' }),
  sse({ type: 'response.content_part.done', part: { type: 'output_text', text: 'Hello' } }),
  sse({ type: 'response.completed', response: { model: 'qwen3', usage: { input_tokens: 3, output_tokens: 2 } } }),
].join('');

/** Sends `body` cut at `cuts` through one capture; resolves with its record. */
async function recordOf(endpoint: string, type: string, body: string, cuts: number[] = []): Promise<unknown> {
  const capture = context.begin({ endpoint, operation: 'chat', project: null });
  capture.respond(200, type);
  const bytes = Buffer.from(body);
  let from = 0;
  for (const at of [...new Set(cuts)].sort((a, b) => a - b)) {
    capture.chunk(bytes.subarray(from, at));
    from = at;
  }
  capture.chunk(bytes.subarray(from));
  await capture.finish();
  return sink.records.at(-1);
}

describe('RequestCapture counting content chunks', () => {
  it('counts thinking, text and tool-call lines of a native stream, however it is cut', async () => {
    const length = Buffer.byteLength(NATIVE);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: length - 1 }), { maxLength: 12 }), async (cuts) => {
        expectRecord(await recordOf('/api/chat', 'application/x-ndjson', NATIVE, cuts), {
          model: 'qwen3',
          success: true,
          output_chunks: 4,
        });
      }),
      { numRuns: 60 },
    );
  });

  it('counts the deltas of a Responses API stream, not the events that repeat their text', async () => {
    expectRecord(await recordOf('/v1/responses', 'text/event-stream', RESPONSES, [40, 41, 200]), {
      success: true,
      eval_count: 2,
      output_chunks: 2,
    });
  });

  it('gives a stream read in one piece no decode time to speak of, and a JSON body no count', async () => {
    const whole = await recordOf('/api/chat', 'application/x-ndjson', NATIVE);
    expect(whole).toMatchObject({ output_chunks: 4, decode_ms: 0 });
    const json = await recordOf('/api/chat', 'application/json', line({ model: 'qwen3', message: { content: 'Hi' } }));
    expectRecord(json, { stream: false, output_chunks: null, decode_ms: null });
  });
});
