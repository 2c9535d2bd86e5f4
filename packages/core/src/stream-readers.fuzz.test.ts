/**
 * Fuzzing of everything a response body goes through before it becomes a record: the
 * stream readers fed arbitrary bytes cut anywhere (never a throw; NDJSON checked against
 * a line-by-line oracle, SSE and whole-body readers against their own one-chunk reading),
 * and the observer → timings → record path fed arbitrary objects (the record it builds
 * always passes the schema that /ingest enforces, whatever the upstream sent).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequestMetric } from './request-metric.js';
import { ResponseObserver } from './response-observer.js';
import { NAME_MAX, operationSchema, requestMetricSchema } from './schema.js';
import {
  createJsonBodyReader,
  createNdjsonReader,
  createSseReader,
  type StreamItem,
  type StreamReader,
} from './stream-readers.js';
import { cutAt, utf8 } from './test-support/bytes.js';

declare const TextDecoder: new () => { decode(input?: Uint8Array): string };

function readAll(reader: StreamReader, chunks: ReadonlyArray<Uint8Array | string>): StreamItem[] {
  const items: StreamItem[] = [];
  for (const chunk of chunks) items.push(...reader.push(chunk));
  items.push(...reader.end());
  return items;
}

/** Bytes that are mostly protocol-shaped (JSON, newlines, `data:`) with arbitrary bytes mixed in. */
const bodyBytes: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => utf8(JSON.stringify(v) ?? 'null')),
      fc
        .constantFrom(
          '\n',
          '\r\n',
          '\n\n',
          '\r',
          'data: ',
          'data:',
          'event: x\n',
          ': c\n',
          'data: [DONE]\n\n',
          '{"done":true',
          '}',
          '\u00e9',
          '\ud83e\udd99',
        )
        .map(utf8),
      // Bytes that are never valid UTF-8 on their own: lone continuation bytes, truncated sequences.
      fc.constantFrom(
        new Uint8Array([0x80]),
        new Uint8Array([0xf0, 0x9f]),
        new Uint8Array([0xc3]),
        new Uint8Array([0xff, 0xfe]),
        new Uint8Array([0xef, 0xbb, 0xbf]),
      ),
    ),
    { maxLength: 30 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  });

const cuts = fc.array(fc.nat({ max: 2048 }), { maxLength: 24 });

function checkItems(items: StreamItem[]): void {
  for (const item of items) {
    expect(['json', 'invalid', 'done']).toContain(item.kind);
    if (item.kind === 'invalid') expect(item.text.length).toBeLessThanOrEqual(200);
  }
}

/** What the NDJSON reader must yield for `bytes`: the whole body decoded at once, split into lines, each parsed. */
function ndjsonOracle(bytes: Uint8Array, select: (text: string) => boolean): StreamItem[] {
  const text = new TextDecoder().decode(bytes);
  const parts = text.split('\n');
  const last = parts.pop() as string;
  const lines = last === '' ? parts : [...parts, last];
  return lines
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '' && select(line))
    .map((line): StreamItem => {
      try {
        return { kind: 'json', value: JSON.parse(line) as unknown };
      } catch (error) {
        return { kind: 'invalid', text: line.slice(0, 200), error: (error as Error).message };
      }
    });
}

describe('createNdjsonReader on arbitrary bytes', () => {
  it('yields exactly the parsed lines of the whole body, however the bytes are cut', () => {
    fc.assert(
      fc.property(bodyBytes, cuts, fc.boolean(), (bytes, offsets, selective) => {
        const select = selective ? (text: string) => text.length % 2 === 0 : () => true;
        const items = readAll(createNdjsonReader({ select }), cutAt(bytes, offsets));
        expect(items).toEqual(ndjsonOracle(bytes, select));
        checkItems(items);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('createSseReader on arbitrary bytes', () => {
  it('never throws and yields the same items for every way of cutting the bytes', () => {
    fc.assert(
      fc.property(bodyBytes, cuts, (bytes, offsets) => {
        const whole = readAll(createSseReader(), [bytes]);
        checkItems(whole);
        expect(readAll(createSseReader(), cutAt(bytes, offsets))).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });

  it('finds every well-formed event among comments, unknown fields and CRLF line ends', () => {
    const event = fc.jsonValue({ maxDepth: 2 }).map((value) => ({
      value: JSON.parse(JSON.stringify(value)) as unknown,
      text: `data: ${JSON.stringify(value)}`,
    }));
    const noise = fc.constantFrom(': keep-alive', 'id: 7', 'retry: 100', 'unknown-field: x');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(noise, { maxLength: 2 }), event), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        cuts,
        (events, eol, offsets) => {
          const text = events.map(([before, e]) => [...before, e.text, ''].map((line) => line + eol).join('')).join('');
          const items = readAll(createSseReader(), cutAt(utf8(text), offsets));
          expect(items).toEqual(events.map(([, e]) => ({ kind: 'json', value: e.value })));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('createJsonBodyReader on arbitrary bytes', () => {
  it('yields at most one item, the same for every way of cutting, and the parsed body when it is JSON', () => {
    fc.assert(
      fc.property(bodyBytes, cuts, (bytes, offsets) => {
        const items = readAll(createJsonBodyReader(), cutAt(bytes, offsets));
        expect(items.length).toBeLessThanOrEqual(1);
        checkItems(items);
        expect(items).toEqual(readAll(createJsonBodyReader(), [bytes]));
        const text = new TextDecoder().decode(bytes);
        let parsed: { ok: true; value: unknown } | { ok: false } = { ok: false };
        try {
          parsed = { ok: true, value: JSON.parse(text) as unknown };
        } catch {
          // Not JSON: the reader must say `invalid` (or nothing for a blank body).
        }
        if (parsed.ok) expect(items).toEqual([{ kind: 'json', value: parsed.value }]);
        else if (text.trim() === '') expect(items).toEqual([]);
        else expect(items[0]?.kind).toBe('invalid');
      }),
      { numRuns: 1000 },
    );
  });

  it('reports any body over its limit as invalid instead of holding it', () => {
    fc.assert(
      fc.property(bodyBytes, fc.integer({ min: 0, max: 64 }), cuts, (bytes, maxChars, offsets) => {
        const length = new TextDecoder().decode(bytes).length;
        const items = readAll(createJsonBodyReader({ maxChars }), cutAt(bytes, offsets));
        if (length > maxChars)
          expect(items).toEqual([{ kind: 'invalid', text: '', error: `body longer than ${maxChars} characters` }]);
        else expect(items).toEqual(readAll(createJsonBodyReader(), [bytes]));
      }),
      { numRuns: 500 },
    );
  });
});

// Values an upstream might put where Ollama puts its numbers: huge, tiny, negative, wrong types.
const wild = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1e-300,
    5e-324,
    1e-320,
    1e308,
    Number.MAX_VALUE,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    -1,
    1.5,
    Infinity,
    -Infinity,
    NaN,
  ),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const wildName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    'a\u0000b',
    '\u0000',
    'x'.repeat(NAME_MAX + 1),
    'm'.repeat(10_000),
    `we"ird'; drop table request_metrics;--`,
    '\ud800',
  ),
);
const upstreamObject = fc.record(
  {
    model: fc.oneof(wildName, wild),
    done: fc.oneof(fc.constant(true), wild),
    done_reason: fc.oneof(wildName, wild),
    total_duration: wild,
    load_duration: wild,
    prompt_eval_duration: wild,
    eval_duration: wild,
    prompt_eval_count: wild,
    eval_count: wild,
    response: fc.oneof(fc.string({ maxLength: 8 }), wild),
    error: fc.oneof(
      wildName,
      fc.record({
        message: fc.oneof(wildName, wild),
        code: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('stream_error', 'upstream_busy')),
      }),
      wild,
    ),
    usage: fc.record(
      { prompt_tokens: wild, completion_tokens: wild, input_tokens: wild, output_tokens: wild },
      { requiredKeys: [] },
    ),
    choices: fc.array(
      fc.record(
        { finish_reason: fc.oneof(wildName, wild), delta: fc.record({ content: wild }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    stop_reason: fc.oneof(wildName, wild),
    message: fc.oneof(
      wild,
      fc.record(
        { content: wild, model: wildName, usage: fc.record({ input_tokens: wild, output_tokens: wild }) },
        { requiredKeys: [] },
      ),
    ),
    type: fc.constantFrom('message_stop', 'response.completed', 'content_block_delta'),
  },
  { requiredKeys: [] },
);

describe('observer → timings → record on arbitrary upstream objects', () => {
  it('always builds a record the schema accepts: finite, non-negative numbers, bounded names', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(upstreamObject, wild), { maxLength: 6 }),
        fc.oneof(wildName, fc.constant(null)),
        fc.oneof(wildName, fc.constant(null)),
        fc.integer({ min: 100, max: 599 }),
        fc.constantFrom(...operationSchema.options),
        (objects, requestModel, project, status, operation) => {
          const observer = new ResponseObserver();
          for (const object of objects) observer.observe(object);
          const timings = observer.timings({ coldStartMs: 500 });
          for (const value of Object.values(timings)) {
            if (typeof value === 'number') {
              expect(Number.isFinite(value)).toBe(true);
              expect(value).toBeGreaterThanOrEqual(0);
            }
          }
          const base = {
            id: 'fuzz',
            ts: 1_764_237_600_000,
            endpoint: '/api/chat',
            operation,
            stream: true,
            status,
            latency_ms: 12.5,
            ttft_ms: null,
          };
          // As a capture does: the record before this one names the model it switched from.
          const previous = buildRequestMetric({ ...base, model: requestModel, project: null });
          const metric = buildRequestMetric({
            id: 'fuzz',
            ts: 1_764_237_600_000,
            endpoint: '/api/chat',
            operation,
            model: observer.model ?? requestModel,
            project,
            stream: true,
            status,
            latency_ms: 12.5,
            ttft_ms: null,
            timings,
            error:
              observer.errorMessage === null
                ? undefined
                : { type: observer.errorType ?? undefined, message: observer.errorMessage },
            switched_from: previous.model,
          });
          for (const record of [previous, metric])
            expect(requestMetricSchema.safeParse(record).error?.issues ?? []).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
