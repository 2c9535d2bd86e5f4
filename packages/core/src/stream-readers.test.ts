import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createJsonBodyReader,
  createNdjsonReader,
  createSseReader,
  type StreamItem,
  type StreamReader,
  streamFormatOf,
} from './stream-readers.js';
import { cutAt, utf8 } from './test-support/bytes.js';
import { CHAT_CHUNK, CHAT_FINAL, MID_STREAM_ERROR, OPENAI_SSE_STREAM } from './test-support/fixtures.js';

function readAll(reader: StreamReader, chunks: Uint8Array[]): StreamItem[] {
  const items: StreamItem[] = [];
  for (const chunk of chunks) items.push(...reader.push(chunk));
  items.push(...reader.end());
  return items;
}

// Multi-byte characters of 2, 3 and 4 bytes, so random cuts land inside them.
const NDJSON_STREAM = [
  '{"model":"qwen2.5vl:7b","message":{"role":"assistant","content":"Grüße "},"done":false}',
  '{"model":"qwen2.5vl:7b","message":{"role":"assistant","content":"日本語 "},"done":false}',
  '{"model":"qwen2.5vl:7b","message":{"role":"assistant","content":"🦙🚀"},"done":false}',
  CHAT_FINAL,
  '',
].join('\n');

describe('createNdjsonReader', () => {
  it('yields one object per line', () => {
    const items = readAll(createNdjsonReader(), [utf8(`${CHAT_CHUNK}\n${CHAT_FINAL}\n`)]);
    expect(items).toEqual([
      { kind: 'json', value: JSON.parse(CHAT_CHUNK) },
      { kind: 'json', value: JSON.parse(CHAT_FINAL) },
    ]);
  });

  it('reassembles a line cut inside a multi-byte character', () => {
    const bytes = utf8('{"content":"🦙"}\n');
    const insideLlama = bytes.indexOf(0xf0) + 2;
    const reader = createNdjsonReader();
    expect(reader.push(bytes.subarray(0, insideLlama))).toEqual([]);
    expect(reader.push(bytes.subarray(insideLlama))).toEqual([{ kind: 'json', value: { content: '🦙' } }]);
  });

  it('delivers a last line that has no newline, and handles CRLF and blank lines', () => {
    const items = readAll(createNdjsonReader(), [utf8('{"a":1}\r\n\r\n\n{"b":2}')]);
    expect(items).toEqual([
      { kind: 'json', value: { a: 1 } },
      { kind: 'json', value: { b: 2 } },
    ]);
  });

  it('reports an unparseable line and keeps reading', () => {
    const items = readAll(createNdjsonReader(), [utf8(`{"a":1}\nnot json\n${MID_STREAM_ERROR}\n`)]);
    expect(items[0]).toEqual({ kind: 'json', value: { a: 1 } });
    expect(items[1]).toMatchObject({ kind: 'invalid', text: 'not json' });
    expect(items[2]).toEqual({ kind: 'json', value: JSON.parse(MID_STREAM_ERROR) });
  });

  it('accepts text chunks as well as bytes', () => {
    const reader = createNdjsonReader();
    expect([...reader.push('{"a":'), ...reader.push('1}\n')]).toEqual([{ kind: 'json', value: { a: 1 } }]);
  });

  it('gives the same objects for every way of cutting the same bytes', () => {
    const bytes = utf8(NDJSON_STREAM);
    const expected = readAll(createNdjsonReader(), [bytes]);
    expect(expected).toHaveLength(4);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (offsets) => {
        expect(readAll(createNdjsonReader(), cutAt(bytes, offsets))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        expect(() => readAll(createNdjsonReader(), chunks)).not.toThrow();
      }),
    );
  });
});

describe('createSseReader', () => {
  it('reads an OpenAI stream with a usage chunk and [DONE]', () => {
    const items = readAll(createSseReader(), [utf8(OPENAI_SSE_STREAM)]);
    expect(items.map((i) => i.kind)).toEqual(['json', 'json', 'json', 'done']);
    expect(items[2]).toMatchObject({ kind: 'json', value: { usage: { prompt_tokens: 11, completion_tokens: 7 } } });
    expect(items[0]).toMatchObject({ value: { choices: [{ delta: { content: 'Héllo' } }] } });
  });

  it('joins multi-line data, names events, ignores comments, id and retry', () => {
    const text = ': keep-alive\nevent: message_start\nid: 4\nretry: 10\ndata: {"a":\ndata: 1}\n\ndata:{"b":2}\n\n';
    expect(readAll(createSseReader(), [utf8(text)])).toEqual([
      { kind: 'json', value: { a: 1 }, event: 'message_start' },
      { kind: 'json', value: { b: 2 } },
    ]);
  });

  it('delivers the last event of a stream cut before its blank line', () => {
    expect(readAll(createSseReader(), [utf8('data: {"x":1}')])).toEqual([{ kind: 'json', value: { x: 1 } }]);
  });

  it('reports a data payload that is not JSON', () => {
    expect(readAll(createSseReader(), [utf8('data: {oops\n\n')])[0]).toMatchObject({ kind: 'invalid', text: '{oops' });
  });

  it('gives the same events for every way of cutting the same bytes', () => {
    const bytes = utf8(OPENAI_SSE_STREAM.replace('Héllo', 'Héllo 日本 🦙'));
    const expected = readAll(createSseReader(), [bytes]);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (offsets) => {
        expect(readAll(createSseReader(), cutAt(bytes, offsets))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('streamFormatOf', () => {
  it.each([
    ['application/x-ndjson', 'ndjson'],
    ['application/x-ndjson; charset=utf-8', 'ndjson'],
    ['text/event-stream; charset=utf-8', 'sse'],
    ['application/json; charset=utf-8', null],
    [null, null],
  ] as const)('%s → %s', (contentType, expected) => {
    expect(streamFormatOf(contentType)).toBe(expected);
  });
});

describe('createJsonBodyReader', () => {
  it('parses a whole body, pretty-printed or not, cut anywhere', () => {
    const bytes = utf8('{\n  "model": "llama3.2",\n  "response": "日本🦙"\n}\n');
    fc.assert(
      fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 20 }), (offsets) => {
        expect(readAll(createJsonBodyReader(), cutAt(bytes, offsets))).toEqual([
          { kind: 'json', value: { model: 'llama3.2', response: '日本🦙' } },
        ]);
      }),
    );
  });

  it('stops collecting past its limit and says so', () => {
    const reader = createJsonBodyReader({ maxChars: 10 });
    expect(reader.push('{"a":"0123456789"}')).toEqual([]);
    expect(reader.end()).toEqual([{ kind: 'invalid', text: '', error: 'body longer than 10 characters' }]);
  });

  it('yields nothing for an empty body', () => {
    expect(readAll(createJsonBodyReader(), [])).toEqual([]);
  });
});

describe('select', () => {
  it('skips lines and events the caller does not need, unparsed', () => {
    const seen: string[] = [];
    const select = (text: string) => {
      seen.push(text);
      return text.includes('"done":true');
    };
    const items = readAll(createNdjsonReader({ select }), [utf8(`${CHAT_CHUNK}\nnot json\n${CHAT_FINAL}\n`)]);
    expect(items).toEqual([{ kind: 'json', value: JSON.parse(CHAT_FINAL) }]);
    expect(seen).toHaveLength(3);
    const events = readAll(createSseReader({ select: (t) => t.includes('usage') }), [utf8(OPENAI_SSE_STREAM)]);
    expect(events.map((e) => e.kind)).toEqual(['json', 'done']);
  });
});

describe('a line that never ends', () => {
  it('is dropped past the limit and reported, and reading goes on', () => {
    const reader = createNdjsonReader({ maxLineChars: 100 });
    const items: StreamItem[] = [];
    for (let i = 0; i < 50; i++) items.push(...reader.push('x'.repeat(10)));
    items.push(...reader.push('yyy\n{"a":1}\n'), ...reader.end());
    expect(items).toEqual([
      { kind: 'invalid', text: '', error: 'line longer than the reader keeps' },
      { kind: 'json', value: { a: 1 } },
    ]);
  });
});
