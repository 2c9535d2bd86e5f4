/**
 * serverLogReader(): an Ollama server log excerpt as Ollama 0.12 writes it — GIN request
 * lines among its own `time=… level=…` lines — plain, through journald, and cut short.
 */
import { describe, expect, it } from 'vitest';
import type { NumberedOutcome } from './line-reader.js';
import { SERVER_LOG_ENDPOINT, serverLogReader } from './parse-server-log.js';
import { parseTimeZone, UTC } from './time-zone.js';

const BERLIN = parseTimeZone('Europe/Berlin') ?? UTC;
const QWEN = 'sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff';
const LLAVA = 'sha256-6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa';

// Ollama's lines carry their offset; GIN's are local time (Europe/Berlin, CET in November).
const EXCERPT = [
  'time=2025-11-05T16:14:21.512+01:00 level=INFO source=routes.go:1564 msg="Listening on [::]:11434 (version 0.12.6)"',
  `time=2025-11-05T16:14:29.733+01:00 level=INFO source=server.go:400 msg="starting runner" cmd="/usr/local/bin/ollama runner --ollama-engine --model /root/.ollama/models/blobs/${QWEN} --port 39677"`,
  'time=2025-11-05T16:14:29.734+01:00 level=INFO source=server.go:505 msg="system memory" total="62.7 GiB" free="58.1 GiB" free_swap="8.0 GiB"',
  'time=2025-11-05T16:14:29.801+01:00 level=INFO source=server.go:545 msg="loading model" "model layers"=29 requested=-1',
  'time=2025-11-05T16:14:34.102+01:00 level=INFO source=server.go:1332 msg="llama runner started in 4.37 seconds"',
  // Another runner answered meanwhile: too short to have waited for the load.
  '[GIN] 2025/11/05 - 16:14:34 | 200 |    85.204ms |       127.0.0.1 | POST     "/api/embed"',
  '[GIN] 2025/11/05 - 16:14:36 | 200 |  6.650958875s |       127.0.0.1 | POST     "/api/chat"',
  '[GIN] 2025/11/05 - 16:14:40 | 200 |  1.204s |       127.0.0.1 | POST     "/api/chat"',
  `time=2025-11-05T16:15:00.011+01:00 level=INFO source=sched.go:443 msg="new model will fit in available VRAM in single GPU, loading" model=/root/.ollama/models/blobs/${LLAVA} gpu=GPU-5b1f parallel=1 available=24093147136 required="5.6 GiB"`,
  'time=2025-11-05T16:15:01.950+01:00 level=ERROR source=sched.go:489 msg="error loading llama server" error="llama runner process has terminated: cudaMalloc failed: out of memory"',
  '[GIN] 2025/11/05 - 16:15:02 | 500 |  2.104s |       127.0.0.1 | POST     "/api/generate"',
  'time=2025-11-05T16:16:10.000+01:00 level=ERROR source=server.go:432 msg="llama runner terminated" error="signal: killed"',
  '[GIN] 2025/11/05 - 16:16:12 | 200 |  0.5s |       127.0.0.1 | POST     "/api/chat"',
  'time=2025-11-05T16:17:00.000+01:00 level=ERROR source=routes.go:660 msg="embedding generation failed" error="do embedding request: EOF"',
  '[GIN] 2025/11/05 - 16:17:00 | 500 |  300ms |       127.0.0.1 | POST     "/api/embed"',
  'time=2025-11-05T16:18:00.000+01:00 level=INFO source=server.go:1332 msg="llama runner started in 12.03 seconds"',
];

function readAll(lines: readonly string[], coldStartMs = 500, modelNames = new Map<string, string>()) {
  const reader = serverLogReader({ timeZone: BERLIN, coldStartMs, modelNames });
  const outcomes: NumberedOutcome[] = [];
  for (const [i, line] of lines.entries()) outcomes.push(...reader.read(line, i + 1));
  outcomes.push(...reader.end());
  const records = outcomes.flatMap((o) => ('record' in o.parsed ? [{ line: o.lineNumber, ...o.parsed.record }] : []));
  const skipped = outcomes.flatMap((o) => ('skip' in o.parsed ? [[o.lineNumber, o.parsed.skip]] : []));
  return { records: records.sort((a, b) => a.line - b.line), skipped, notes: reader.notes() };
}

describe('serverLogReader', () => {
  const { records, skipped, notes } = readAll(EXCERPT);
  const byLine = (line: number) => records.find((r) => r.line === line);

  it('attaches a runner start to the request it delayed, named after the loaded model, as a cold start', () => {
    expect(byLine(7)).toMatchObject({
      endpoint: '/api/chat',
      model: 'sha256-dde5aa3fc5ff',
      load_duration_ms: 4370,
      cold_start: true,
      latency_ms: 6650.958875,
      ts: Date.parse('2025-11-05T15:14:29.349Z'),
      success: true,
    });
    // The short request in between did not wait for it; the one after was served warm.
    expect(byLine(6)).toMatchObject({ model: 'unknown', load_duration_ms: null, cold_start: null });
    expect(byLine(8)).toMatchObject({ model: 'unknown', load_duration_ms: null, cold_start: null });
  });

  it('respects the cold start threshold', () => {
    const warm = readAll(EXCERPT, 5000).records.find((r) => r.line === 7);
    expect(warm).toMatchObject({ load_duration_ms: 4370, cold_start: false });
  });

  it('puts an error on the 5xx line that follows it (one failure), naming the model that failed to load', () => {
    expect(byLine(11)).toMatchObject({
      endpoint: '/api/generate',
      status: 500,
      success: false,
      error_type: 'upstream_error',
      error_message:
        'error loading llama server: llama runner process has terminated: cudaMalloc failed: out of memory',
      model: 'sha256-6a0746a1ec1a',
      load_duration_ms: null,
    });
    expect(byLine(15)).toMatchObject({
      endpoint: '/api/embed',
      status: 500,
      error_message: 'embedding generation failed: do embedding request: EOF',
    });
    expect(records.filter((r) => r.line === 10 || r.line === 14)).toEqual([]);
  });

  it('records an error no 5xx line follows as a server error of its own', () => {
    expect(byLine(12)).toMatchObject({
      ts: Date.parse('2025-11-05T15:16:10.000Z'),
      endpoint: SERVER_LOG_ENDPOINT,
      operation: 'generate',
      model: 'unknown',
      status: 500,
      success: false,
      error_type: 'upstream_error',
      error_message: 'llama runner terminated: signal: killed',
      latency_ms: 0,
    });
    expect(byLine(13)).toMatchObject({ status: 200, success: true, error_message: null });
  });

  it('makes no record of a load no request follows, and says so', () => {
    expect(records.map((r) => r.line)).toEqual([6, 7, 8, 11, 12, 13, 15]);
    expect(notes).toEqual([
      'model loads 2: 1 attached to the request they delayed, 1 followed by no request line (not recorded: the log may be cut)',
      'model named from the load lines for 2 request(s)',
      "2 of them by weights file (sha256-…): --ollama-models DIR (Ollama's models folder) names them as pulled",
      'server errors 3: 2 attached to their 5xx request line, 1 recorded alone',
    ]);
  });

  it('skips the rest as other log output; uses the load and error lines', () => {
    expect(skipped).toEqual([
      [1, 'other log output'],
      [3, 'other log output'],
      [4, 'other log output'],
    ]);
  });

  it('reads the same records through journald, plain and short-iso, with the same ids', () => {
    const plain = records.map(({ line, ...record }) => record);
    for (const prefix of [
      (_: string) => 'Nov 05 16:14:29 gpu-box ollama[1234]: ',
      (_: string) => '2025-11-05T16:14:29+0100 gpu-box ollama[1234]: ',
    ]) {
      const journald = readAll(EXCERPT.map((line) => `${prefix(line)}${line}`));
      expect(journald.records.map(({ line, ...record }) => record)).toEqual(plain);
      expect(journald.notes).toEqual(notes);
    }
  });

  it('ends with the errors still held as records of their own', () => {
    const cut = readAll(EXCERPT.slice(0, 10));
    expect(cut.records.at(-1)).toMatchObject({ line: 10, endpoint: SERVER_LOG_ENDPOINT, model: 'sha256-6a0746a1ec1a' });
  });

  it("names a weights file as pulled when given Ollama's model store", () => {
    const named = readAll(EXCERPT, 500, new Map([['sha256-dde5aa3fc5ff', 'qwen2.5:7b']]));
    expect(named.records.find((r) => r.line === 7)).toMatchObject({ model: 'qwen2.5:7b', load_duration_ms: 4370 });
    expect(named.records.find((r) => r.line === 11)).toMatchObject({ model: 'sha256-6a0746a1ec1a' });
    expect(named.notes).toContain(
      "1 of them by weights file (sha256-…): --ollama-models DIR (Ollama's models folder) names them as pulled",
    );
  });

  it('prefers a name as pulled to a weights file when the log gives both (OLLAMA_DEBUG=1)', () => {
    // The scheduler's line comes first, the runner's command line (a weights file) after it.
    const debug = readAll([
      'time=2025-11-05T16:14:29.700+01:00 level=DEBUG source=sched.go:227 msg="loading first model" runner.name=registry.ollama.ai/library/qwen2.5:7b runner.inference=cuda',
      EXCERPT[1] as string,
      EXCERPT[4] as string,
      EXCERPT[6] as string,
    ]);
    expect(debug.records[0]).toMatchObject({ model: 'qwen2.5:7b', load_duration_ms: 4370 });
  });
});
