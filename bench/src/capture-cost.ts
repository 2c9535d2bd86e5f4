/**
 * What the capture costs per streamed line now that it counts every content chunk
 * (`output_chunks`, `decode_ms`): long native `/api/chat` and `/v1/chat/completions` streams,
 * one line per chunk as Ollama flushes them, fed through one `RequestCapture` each. The baseline,
 * measured in the same run with rounds interleaved: a bare `JSON.parse` of every line, or with
 * `--baseline=<path of another build's @ollama-perf/middleware dist/index.js>` that build's capture.
 *
 * Run: pnpm --filter @ollama-perf/bench capture-cost [-- --lines=2000 --rounds=200 --baseline=…]
 */
import { CaptureContext } from '@ollama-perf/middleware';
import { answerTimings, nativeLines, openAiStreamEvents, tokensOf } from '@ollama-perf/testkit';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const LINES = Number(option('lines') ?? 2000);
const ROUNDS = Number(option('rounds') ?? 200);
const BASELINE = option('baseline');

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

type Context = Pick<CaptureContext, 'begin'>;
const sink = { write: () => undefined };

function capturing(context: Context, type: string, lines: Uint8Array[]): () => void {
  return () => {
    const capture = context.begin({ endpoint: '/api/chat', operation: 'chat', project: null });
    capture.respond(200, type);
    for (const line of lines) capture.chunk(line);
    void capture.finish();
  };
}

const decoder = new TextDecoder();
function parsing(lines: Uint8Array[]): () => void {
  return () => {
    for (const line of lines) {
      const text = decoder.decode(line);
      const start = text.indexOf('{');
      if (start !== -1) JSON.parse(text.slice(start));
    }
  };
}

/** Median µs per line of each run, rounds interleaved (order alternating) after a warm-up fifth. */
function microsPerLine(runs: Array<() => void>, lines: number): number[] {
  const samples = runs.map((): number[] => []);
  for (let round = 0; round < ROUNDS * 1.25; round++) {
    const order = round % 2 === 0 ? runs.keys() : [...runs.keys()].reverse();
    for (const i of order) {
      const started = performance.now();
      (runs[i] as () => void)();
      if (round >= ROUNDS / 4) samples[i]?.push(((performance.now() - started) * 1000) / lines);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)] as number);
}

const baseline: Context | null =
  BASELINE === undefined
    ? null
    : new ((await import(BASELINE)) as { CaptureContext: new (o: { sink: typeof sink }) => Context }).CaptureContext({
        sink,
      });
const context = new CaptureContext({ sink });

for (const [name, { type, lines }] of Object.entries(STREAMS)) {
  const [capture, base] = microsPerLine(
    [capturing(context, type, lines), baseline === null ? parsing(lines) : capturing(baseline, type, lines)],
    lines.length,
  ) as [number, number];
  console.log(
    `${name}: capture ${capture.toFixed(2)} µs/line, ${baseline === null ? 'JSON.parse' : 'baseline capture'} ` +
      `${base.toFixed(2)} µs/line, ratio ${(capture / base).toFixed(2)}× (${lines.length} lines, median of ${ROUNDS})`,
  );
}
