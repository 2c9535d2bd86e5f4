/**
 * What the capture costs per streamed line now that it counts every content chunk
 * (`output_chunks`, `decode_ms`): long native `/api/chat` and `/v1/chat/completions` streams,
 * one line per chunk as Ollama flushes them, fed through one `RequestCapture` each. The baseline,
 * measured in the same run, is a bare `JSON.parse` of every line. Prints µs per line and the ratio.
 *
 * Run: pnpm --filter @ollama-perf/bench capture-cost [-- --lines=2000 --rounds=40]
 */
import { CaptureContext } from '@ollama-perf/middleware';
import { answerTimings, nativeLines, openAiStreamEvents, tokensOf } from '@ollama-perf/testkit';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const LINES = arg('lines', 2000);
const ROUNDS = arg('rounds', 40);

const timings = answerTimings(200, LINES, 0);
const encoder = new TextEncoder();
const STREAMS = {
  'native /api/chat': {
    type: 'application/x-ndjson',
    lines: nativeLines('llama3.2', true, tokensOf(LINES), timings, true).map((l) => encoder.encode(`${l}\n`)),
  },
  '/v1 SSE, no usage': {
    type: 'text/event-stream',
    lines: openAiStreamEvents('llama3.2', true, tokensOf(LINES), timings, false).map((e) => encoder.encode(e)),
  },
};

const context = new CaptureContext({ sink: { write: () => undefined } });

function captureOnce(type: string, lines: Uint8Array[]): void {
  const capture = context.begin({ endpoint: '/api/chat', operation: 'chat', project: null });
  capture.respond(200, type);
  for (const line of lines) capture.chunk(line);
  void capture.finish();
}

const decoder = new TextDecoder();
function parseOnce(lines: Uint8Array[]): void {
  for (const line of lines) {
    const text = decoder.decode(line);
    const start = text.indexOf('{');
    if (start !== -1) JSON.parse(text.slice(start));
  }
}

/** Median µs per line of `run` over the rounds (after a warm-up of a quarter of them). */
function microsPerLine(run: () => void, lines: number): number {
  for (let i = 0; i < ROUNDS / 4; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    run();
    samples.push(((performance.now() - started) * 1000) / lines);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

for (const [name, { type, lines }] of Object.entries(STREAMS)) {
  const capture = microsPerLine(() => captureOnce(type, lines), lines.length);
  const parse = microsPerLine(() => parseOnce(lines), lines.length);
  console.log(
    `${name}: capture ${capture.toFixed(2)} µs/line, JSON.parse ${parse.toFixed(2)} µs/line, ` +
      `ratio ${(capture / parse).toFixed(2)}× (${lines.length} lines, median of ${ROUNDS})`,
  );
}
