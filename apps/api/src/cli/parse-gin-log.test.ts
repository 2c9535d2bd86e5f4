/** ginLogParser(): GIN request lines as Ollama writes them, and the lines it must skip. */
import { describe, expect, it } from 'vitest';
import { ginLogParser, goUnquote, stripAnsi } from './parse-gin-log.js';
import type { ParsedLine } from './parsed-line.js';
import { parseTimeZone, UTC } from './time-zone.js';

const parse = ginLogParser({ timeZone: UTC });
const recordOf = (parsed: ParsedLine) => {
  if (!('record' in parsed)) throw new Error(`skipped: ${parsed.skip}`);
  return parsed.record;
};

describe('ginLogParser', () => {
  it('reads a plain line: arrival = stamp − latency, route, status, the rest unknown', () => {
    const record = recordOf(
      parse('[GIN] 2025/11/05 - 16:14:34 | 200 |  12.650958875s |       127.0.0.1 | POST     "/api/generate"'),
    );
    expect(record).toMatchObject({
      ts: Date.parse('2025-11-05T16:14:21.349Z'),
      model: 'unknown',
      operation: 'generate',
      endpoint: '/api/generate',
      project: null,
      stream: false,
      status: 200,
      success: true,
      error_type: null,
      latency_ms: 12650.958875,
      ttft_ms: null,
      eval_count: null,
      tokens_per_second: null,
      cold_start: null,
      concurrency: null,
    });
  });

  it('reads colours, IPv6 clients, query strings and a journald prefix', () => {
    const coloured =
      '[GIN] 2025/11/05 - 16:15:02 |\x1b[90;43m 404 \x1b[0m|       512.3µs |    2001:db8::42 |\x1b[97;46m POST    \x1b[0m "/v1/chat/completions?x=1"';
    expect(recordOf(parse(coloured))).toMatchObject({
      operation: 'chat',
      endpoint: '/v1/chat/completions',
      status: 404,
      success: false,
      // A GIN line carries no message: nothing says the model was missing.
      error_type: 'not_found',
      latency_ms: 0.5123,
    });
    const journald =
      'Nov 05 16:15:02 gpu-box ollama[1234]: [GIN] 2025/11/05 - 16:15:02 | 503 |  1.5s |  ::1 | POST     "/api/embed"';
    expect(recordOf(parse(journald))).toMatchObject({
      operation: 'embed',
      status: 503,
      error_type: 'upstream_busy',
      ts: Date.parse('2025-11-05T16:15:00.500Z'),
    });
  });

  it('gives the same line the same id, with or without colours or a prefix', () => {
    const plain = '[GIN] 2025/11/05 - 16:14:34 | 200 |  1.2s |  ::1 | POST     "/api/chat"';
    const coloured =
      '[GIN] 2025/11/05 - 16:14:34 |\x1b[97;42m 200 \x1b[0m|  1.2s |  ::1 |\x1b[97;46m POST    \x1b[0m "/api/chat"';
    const id = recordOf(parse(plain)).id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recordOf(parse(`ollama[1]: ${plain}`)).id).toBe(id);
    expect(stripAnsi(coloured)).toBe(plain);
    expect(recordOf(parse(coloured)).id).toBe(id);
    expect(recordOf(parse(plain.replace('1.2s', '1.3s'))).id).not.toBe(id);
  });

  it('reads the stamp in the given zone', () => {
    const berlin = ginLogParser({ timeZone: parseTimeZone('Europe/Berlin') ?? UTC });
    const line = '[GIN] 2025/07/01 - 12:00:05 | 200 |  5s |  ::1 | POST     "/api/chat"';
    expect(recordOf(berlin(line)).ts).toBe(Date.parse('2025-07-01T10:00:00Z'));
  });

  it.each([
    [
      '[GIN] 2025/11/05 - 16:14:21 | 200 |    1.063833ms |       127.0.0.1 | GET      "/api/tags"',
      'not an inference route',
    ],
    ['[GIN] 2025/11/05 - 16:14:20 | 200 |      51.375µs |       127.0.0.1 | HEAD     "/"', 'not an inference route'],
    [
      '[GIN] 2025/11/05 - 16:14:20 | 404 |       1.2µs |       127.0.0.1 | GET      "/api/chat"',
      'not an inference route',
    ],
    [
      '[GIN] 2025/11/05 - 16:14:20 | 204 |       1.2µs |       127.0.0.1 | OPTIONS  "/api/chat"',
      'not an inference route',
    ],
    ['time=2025-11-05T16:19:02.118+01:00 level=INFO source=server.go:1 msg="llama runner started"', 'other log output'],
    [
      '[GIN-debug] POST   /api/chat                 --> github.com/ollama/ollama/server.(*Server).ChatHandler-fm (5 handlers)',
      'other log output',
    ],
    ['[GIN] 2025/11/05 - 16:17:30 | 200 | twelve seconds | 127.0.0.1 | POST "/api/chat"', 'unparseable'],
    ['[GIN] 2025/11/05 - 16:2', 'unparseable'],
    ['[GIN] 2025/13/05 - 16:14:34 | 200 |  1.2s |  ::1 | POST     "/api/chat"', 'unparseable'],
    ['[GIN] 2025/02/30 - 16:14:34 | 200 |  1.2s |  ::1 | POST     "/api/chat"', 'unparseable'],
    ['[GIN] 2025/11/05 - 16:14:34 | 200 |  1.2s |  ::1 | POST     "/api/chat\\q"', 'unparseable'],
  ])('skips %j as %s', (line, reason) => {
    expect(parse(line)).toMatchObject({ skip: reason });
  });
});

describe('goUnquote', () => {
  it.each([
    ['"/api/chat"', '/api/chat'],
    ['"/a\\"b\\\\c"', '/a"b\\c'],
    ['"/\\x41\\u00e9\\U0001F600\\t\\101"', '/Aé😀\tA'],
    ['"/café"', '/café'],
  ])('%s → %s', (quoted, text) => {
    expect(goUnquote(quoted)).toBe(text);
  });

  it.each(['/api/chat', '"unterminated', '"bad \\q escape"', '"\\x4"'])('refuses %j', (quoted) => {
    expect(goUnquote(quoted)).toBeNull();
  });
});
