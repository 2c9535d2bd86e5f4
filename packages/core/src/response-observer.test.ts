import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carriesContent, contentOfText, ResponseObserver } from './response-observer.js';
import { createSseReader } from './stream-readers.js';
import { utf8 } from './test-support/bytes.js';
import {
  CHAT_CHUNK,
  CHAT_FINAL,
  EMBED_BODY,
  EMBEDDINGS_BODY,
  GENERATE_FINAL,
  MID_STREAM_ERROR,
  OPENAI_CHAT_BODY,
  OPENAI_ERROR_BODY,
  OPENAI_SSE_STREAM,
} from './test-support/fixtures.js';

function observeAll(...values: unknown[]): { observer: ResponseObserver; firsts: boolean[] } {
  const observer = new ResponseObserver();
  const firsts = values.map((v) => observer.observe(v));
  return { observer, firsts };
}

describe('ResponseObserver on native routes', () => {
  it('reads the final /api/generate line: ns → ms, rates, a cold start', () => {
    const { observer } = observeAll(JSON.parse(GENERATE_FINAL));
    expect(observer.model).toBe('llama3.2');
    expect(observer.sawDone).toBe(true);
    const t = observer.timings();
    expect(t).toMatchObject({
      total_duration_ms: 10706.818083,
      load_duration_ms: 6338.219291,
      prompt_eval_duration_ms: 130.079,
      eval_duration_ms: 4232.71,
      prompt_eval_count: 26,
      eval_count: 259,
      cold_start: true,
      done_reason: 'stop',
    });
    expect(t.tokens_per_second).toBeCloseTo(259 / 4.23271, 9);
    expect(t.prompt_tokens_per_second).toBeCloseTo(26 / 0.130079, 9);
  });

  it('reads the final /api/chat line as a warm load, and marks the first content line', () => {
    const { observer, firsts } = observeAll(JSON.parse(CHAT_CHUNK), JSON.parse(CHAT_CHUNK), JSON.parse(CHAT_FINAL));
    expect(firsts).toEqual([true, false, false]);
    expect(observer.timings()).toMatchObject({ load_duration_ms: 1.334875, cold_start: false, eval_count: 282 });
  });

  it('honours the cold-start threshold', () => {
    const { observer } = observeAll(JSON.parse(CHAT_FINAL));
    expect(observer.timings({ coldStartMs: 1 }).cold_start).toBe(true);
    expect(observer.timings({ coldStartMs: 2 }).cold_start).toBe(false);
  });

  it('reads /api/embed: prompt tokens but no prompt speed (no prompt_eval_duration)', () => {
    const t = observeAll(JSON.parse(EMBED_BODY)).observer.timings();
    expect(t).toMatchObject({
      total_duration_ms: 14.143917,
      load_duration_ms: 1.0195,
      prompt_eval_count: 8,
      prompt_eval_duration_ms: null,
      eval_count: null,
      tokens_per_second: null,
      prompt_tokens_per_second: null,
      cold_start: false,
    });
  });

  it('reads /api/embeddings as knowing nothing', () => {
    const { observer } = observeAll(JSON.parse(EMBEDDINGS_BODY));
    expect(observer.model).toBeNull();
    expect(Object.values(observer.timings()).every((v) => v === null)).toBe(true);
  });

  it('treats an omitted load_duration next to other timings as a warm load (omitempty)', () => {
    const t = observeAll({ done: true, total_duration: 5e6, eval_count: 3, eval_duration: 3e6 }).observer.timings();
    expect(t).toMatchObject({
      load_duration_ms: null,
      cold_start: false,
      tokens_per_second: 1000,
      prompt_tokens_per_second: null,
    });
  });

  it('gives no rate when a count or duration is zero', () => {
    const t = observeAll({
      done: true,
      eval_count: 0,
      eval_duration: 5e6,
      prompt_eval_count: 4,
      prompt_eval_duration: 0,
    }).observer.timings();
    expect(t.tokens_per_second).toBeNull();
    expect(t.prompt_tokens_per_second).toBeNull();
  });

  it('keeps the message of an error line mid-stream', () => {
    const { observer, firsts } = observeAll(JSON.parse(CHAT_CHUNK), JSON.parse(MID_STREAM_ERROR));
    expect(firsts).toEqual([true, false]);
    expect(observer.errorMessage).toBe('an error was encountered while running the model: unexpected EOF');
  });
});

describe('ResponseObserver on OpenAI-compatible routes', () => {
  it('reads an SSE stream with include_usage: counts, finish reason, first content', () => {
    const observer = new ResponseObserver();
    const firsts: boolean[] = [];
    for (const item of createSseReader().push(utf8(OPENAI_SSE_STREAM))) {
      if (item.kind === 'json') firsts.push(observer.observe(item.value));
    }
    expect(firsts).toEqual([true, false, false]);
    expect(observer.model).toBe('llama3.2');
    expect(observer.timings()).toMatchObject({
      prompt_eval_count: 11,
      eval_count: 7,
      done_reason: 'stop',
      cold_start: null,
      tokens_per_second: null,
      total_duration_ms: null,
    });
  });

  it('reads a non-streamed chat completion body', () => {
    expect(observeAll(JSON.parse(OPENAI_CHAT_BODY)).observer.timings()).toMatchObject({
      prompt_eval_count: 20,
      eval_count: 2,
      done_reason: 'length',
    });
  });

  it('reads the Responses and Messages APIs', () => {
    const responses = observeAll(
      { type: 'response.output_text.delta', delta: 'Hi' },
      { type: 'response.completed', response: { model: 'qwen3', usage: { input_tokens: 9, output_tokens: 4 } } },
    );
    expect(responses.firsts).toEqual([true, false]);
    expect(responses.observer.model).toBe('qwen3');
    expect(responses.observer.timings()).toMatchObject({ prompt_eval_count: 9, eval_count: 4 });

    const messages = observeAll(
      {
        type: 'message_start',
        message: { model: 'qwen3', content: [], usage: { input_tokens: 12, output_tokens: 0 } },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } },
    );
    expect(messages.firsts).toEqual([false, true, false]);
    expect(messages.observer.timings()).toMatchObject({
      prompt_eval_count: 12,
      eval_count: 5,
      done_reason: 'end_turn',
    });
  });

  it('reads the message of an OpenAI-style error body', () => {
    expect(observeAll(JSON.parse(OPENAI_ERROR_BODY)).observer.errorMessage).toBe(
      'model "gpt-x" not found, try pulling it first',
    );
  });

  it('takes an error type named by an error code, and ignores unknown codes', () => {
    const named = observeAll({ error: { code: 'upstream_unreachable', message: 'connect ECONNREFUSED' } }).observer;
    expect([named.errorType, named.errorMessage]).toEqual(['upstream_unreachable', 'connect ECONNREFUSED']);
    expect(observeAll({ error: { code: 'teapot', message: 'x' } }).observer.errorType).toBeNull();
  });

  it('ignores values that are not objects', () => {
    const { observer, firsts } = observeAll(null, 3, 'text', [1, 2]);
    expect(firsts).toEqual([false, false, false, false]);
    expect(observer.model).toBeNull();
  });
});

describe('ResponseObserver#sawEnd', () => {
  it.each([
    ['a native done line', [{ done: true }], true],
    ['native content only', [{ response: 'x', done: false }], false],
    ['a finish_reason', [{ choices: [{ delta: { content: '' }, finish_reason: 'stop' }] }], true],
    ['finish_reason null', [{ choices: [{ delta: { content: 'x' }, finish_reason: null }] }], false],
    ['message_stop', [{ type: 'message_stop' }], true],
    ['response.completed', [{ type: 'response.completed', response: {} }], true],
  ])('%s → %s', (_, values, expected) => {
    expect(observeAll(...values).observer.sawEnd).toBe(expected);
  });
});

describe('ResponseObserver#streamTiming', () => {
  it('counts content objects and spans the first to the last of them, by the time each was seen', () => {
    const observer = new ResponseObserver();
    const seen: Array<[unknown, number]> = [
      [{ model: 'm', message: { role: 'assistant', content: '' }, done: false }, 5],
      [JSON.parse(CHAT_CHUNK), 10],
      [{ model: 'm', message: { role: 'assistant', content: '', thinking: 'hm' }, done: false }, 30],
      [{ model: 'm', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'f' } }] } }, 45],
      [JSON.parse(CHAT_FINAL), 60],
    ];
    for (const [value, at] of seen) observer.observe(value, at);
    expect(observer.streamTiming()).toEqual({ output_chunks: 3, decode_ms: 35 });
  });

  it('counts SSE deltas without usage, and gives no decode time without content', () => {
    const observer = new ResponseObserver();
    for (const [i, item] of createSseReader().push(utf8(OPENAI_SSE_STREAM)).entries()) {
      if (item.kind === 'json') observer.observe(item.value, i * 7);
    }
    expect(observer.streamTiming()).toEqual({ output_chunks: 1, decode_ms: 0 });
    expect(new ResponseObserver().streamTiming()).toEqual({ output_chunks: 0, decode_ms: null });
  });
});

describe('contentOfText: false only without content', () => {
  const content = fc.oneof(
    fc.string({ minLength: 1 }).map((text) => ({ response: text })),
    fc.string().map((text) => ({ response: text, thinking: text })),
    fc.string().map((text) => ({ message: { role: 'assistant', content: text } })),
    fc.string().map((text) => ({ message: { content: '', thinking: text } })),
    fc.array(fc.jsonValue(), { maxLength: 2 }).map((calls) => ({ message: { content: '', tool_calls: calls } })),
    fc.string().map((text) => ({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })),
    fc.string().map((text) => ({ choices: [{ delta: { reasoning: text } }] })),
    fc.string().map((text) => ({ choices: [{ delta: { reasoning_content: text } }] })),
    fc.array(fc.jsonValue(), { maxLength: 2 }).map((calls) => ({ choices: [{ delta: { tool_calls: calls } }] })),
    fc.string().map((text) => ({ choices: [{ text }] })),
    fc.string().map((text) => ({ type: 'response.output_text.delta', delta: text })),
    fc.string().map((text) => ({ type: 'content_block_delta', delta: { type: 'text_delta', text } })),
    fc.string().map((text) => ({ type: 'content_block_delta', delta: { partial_json: text } })),
  );

  it('is true of every line that carries content, compact or spaced', () => {
    fc.assert(
      fc.property(content, fc.constantFrom(undefined, 1), (value, indent) => {
        const text = JSON.stringify({ model: 'llama3.2', ...value }, null, indent);
        if (carriesContent(JSON.parse(text))) expect(contentOfText(text)).not.toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    CHAT_FINAL,
    GENERATE_FINAL,
    '{"model":"m","response":"","done":false}',
    '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
    '{"message":{"role":"assistant","content":"","tool_calls":[]}}',
  ])('is false of a line without content: %s', (text) => {
    expect(carriesContent(JSON.parse(text))).toBe(false);
    expect(contentOfText(text)).toBe(false);
  });
});

describe('contentOfText', () => {
  const maybeEmpty = fc.oneof(fc.constant(''), fc.string());
  const untyped = fc.oneof(
    fc.record({ model: fc.string(), response: maybeEmpty, done: fc.constant(false) }),
    fc.record({ response: maybeEmpty, thinking: maybeEmpty, done: fc.constant(false) }),
    fc.record({
      model: fc.string(),
      created_at: fc.string(),
      message: fc.record(
        {
          role: fc.constant('assistant'),
          content: maybeEmpty,
          thinking: maybeEmpty,
          tool_calls: fc.array(fc.record({ function: fc.record({ name: fc.string() }) }), { maxLength: 2 }),
        },
        { requiredKeys: ['role', 'content'] },
      ),
      done: fc.constant(false),
    }),
    fc.record({
      id: fc.string(),
      object: fc.constant('chat.completion.chunk'),
      model: fc.string(),
      choices: fc.array(
        fc.record(
          {
            index: fc.nat(3),
            delta: fc.record(
              { role: fc.constant('assistant'), content: maybeEmpty, reasoning: maybeEmpty },
              { requiredKeys: [] },
            ),
            finish_reason: fc.constant(null),
          },
          { requiredKeys: ['index', 'delta'] },
        ),
        { maxLength: 1 },
      ),
    }),
    fc.record({
      id: fc.string(),
      object: fc.constant('text_completion'),
      choices: fc.tuple(fc.record({ text: maybeEmpty })),
    }),
  );

  it('says of an untyped line exactly what carriesContent says of it parsed, compact or spaced', () => {
    fc.assert(
      fc.property(untyped, fc.constantFrom(undefined, 1), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(contentOfText(text)).toBe(carriesContent(JSON.parse(text)));
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves typed events that may carry content to parsing', () => {
    expect(contentOfText('{"type":"response.output_text.done","text":"Hi"}')).toBeNull();
    expect(contentOfText('{"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}')).toBeNull();
    expect(contentOfText('{"type":"message_delta","delta":{"stop_reason":"end_turn"}}')).toBe(false);
  });
});

describe('ResponseObserver#countContent', () => {
  it('counts a content chunk told from its text, only after the first one was observed', () => {
    const observer = new ResponseObserver();
    observer.countContent(1);
    observer.observe(JSON.parse(CHAT_CHUNK), 10);
    observer.countContent(25);
    expect(observer.streamTiming()).toEqual({ output_chunks: 2, decode_ms: 15 });
  });
});
