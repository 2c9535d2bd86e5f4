/**
 * A whole Ollama server log → records: the `[GIN]` request lines (see parse-gin-log.ts)
 * together with what Ollama's own lines say about them.
 *
 * - A model load: `msg="llama runner started in 4.37 seconds"` (llm/server.go) is the time
 *   a runner took to load. It is attached, as `load_duration_ms` (and `cold_start` by the
 *   threshold), to the request it delayed: the first GIN line for an inference route after
 *   it whose latency is at least that long (shorter requests were served by other runners
 *   meanwhile). The model the load lines name (see model-in-log.ts) becomes that request's
 *   model, as GIN lines name none. A load that no request line follows (the log was cut)
 *   makes no record; the summary says how many there were. Given Ollama's model store
 *   (`modelNames`), a weights file is named as pulled (`qwen2.5:7b`).
 * - An error: a `level=ERROR` line is a server error with its message (`msg`, and its
 *   `error` attribute). Ollama logs the error, then answers the request with a 5xx, so the
 *   error is held until the next GIN line for an inference route: a 5xx line takes the
 *   message (one failure, not two); any other line, or the end of the log, makes the error
 *   a record of its own (`status` 500, `upstream_error`, latency 0 as the line tells none,
 *   operation `generate` and endpoint `(server log)` as it names no route).
 */
import { buildRequestMetric, EMPTY_TIMINGS, type OllamaTimings, type RequestObservation } from '@ollama-perf/core';
import type { LineReader, NumberedOutcome } from './line-reader.js';
import { isBlobName, modelLoadedBy } from './model-in-log.js';
import { readGinLine } from './parse-gin-log.js';
import { expectedSkip, validated } from './parsed-line.js';
import { importedRecordId } from './record-id.js';
import { readSlogLine, type SlogLine } from './slog-line.js';
import type { TimeZone } from './time-zone.js';

/** Options of {@link serverLogReader}. */
export interface ServerLogOptions {
  /** The zone the Ollama server's clock ran in (GIN lines carry no offset). */
  timeZone: TimeZone;
  /** A load at least this long (ms) is a cold start. */
  coldStartMs: number;
  /** Weights file (`sha256-` + 12 hex) → name as pulled, from Ollama's model store (see ollama-manifests.ts). */
  modelNames?: ReadonlyMap<string, string>;
}

/** The endpoint of a record made of an error line alone, which names no route. */
export const SERVER_LOG_ENDPOINT = '(server log)';

const RUNNER_STARTED = /^llama runner started in (\d+(?:\.\d+)?) seconds$/;
// The runner start time is printed to 10 ms ("%0.2f" seconds).
const PRINTED_PRECISION_MS = 5;

interface Load {
  ms: number;
  model: string | null;
}

interface HeldError {
  lineNumber: number;
  line: SlogLine;
  message: string;
  model: string | null;
}

/**
 * A reader of Ollama server logs (GIN request lines and Ollama's `time=… level=…` lines,
 * plain or behind a journald prefix).
 *
 * @example
 * const reader = serverLogReader({ timeZone: UTC, coldStartMs: 500 });
 * reader.read('time=2025-11-05T16:14:30.101Z level=INFO source=server.go:1332 msg="llama runner started in 4.37 seconds"', 1) // []
 * reader.read('[GIN] 2025/11/05 - 16:14:34 | 200 |  5.2s | ::1 | POST "/api/chat"', 2)
 * // [{ lineNumber: 2, parsed: { record: { load_duration_ms: 4370, cold_start: true, … } } }]
 */
export function serverLogReader(options: ServerLogOptions): LineReader {
  let loading: string | null = null;
  const loads: Load[] = [];
  let held: HeldError[] = [];
  const tally = { loadsAttached: 0, errorsAttached: 0, errorsAlone: 0, modelsNamed: 0, namedByFile: 0 };
  const nameOf = (model: string | null) => (model === null ? null : (options.modelNames?.get(model) ?? model));

  const errorRecords = (errors: HeldError[]): NumberedOutcome[] => {
    tally.errorsAlone += errors.length;
    return errors.map(({ lineNumber, line, message, model }) => ({
      lineNumber,
      parsed: validated(
        buildRequestMetric({
          id: importedRecordId('ollama-error', line.text),
          ts: line.time,
          endpoint: SERVER_LOG_ENDPOINT,
          operation: 'generate',
          model,
          project: null,
          stream: false,
          status: 500,
          latency_ms: 0,
          ttft_ms: null,
          error: { type: 'upstream_error', message },
        }),
      ),
    }));
  };

  const readOwnLine = (line: SlogLine, lineNumber: number): NumberedOutcome[] => {
    const named = nameOf(modelLoadedBy(line));
    // A name as pulled says more than a weights file; both may appear for one load.
    if (named !== null && (loading === null || !isBlobName(named) || isBlobName(loading))) loading = named;
    const started = RUNNER_STARTED.exec(line.msg);
    if (started !== null) {
      loads.push({ ms: Number(started[1]) * 1000, model: loading });
      loading = null;
      return [];
    }
    if (line.level === 'ERROR') {
      const detail = line.attributes.get('error');
      const message = detail === undefined || detail === '' ? line.msg : `${line.msg}: ${detail}`;
      held.push({ lineNumber, line, message, model: loading });
      // A load that failed names no later request.
      if (/load/i.test(line.msg)) loading = null;
      return [];
    }
    return named === null ? [{ lineNumber, parsed: expectedSkip('other log output') }] : [];
  };

  const readRequest = (observation: RequestObservation, lineNumber: number): NumberedOutcome[] => {
    let model = observation.model;
    let timings: OllamaTimings | undefined;
    const index = loads.findIndex((load) => load.ms <= observation.latency_ms + PRINTED_PRECISION_MS);
    if (index !== -1) {
      const [load] = loads.splice(index, 1) as [Load];
      tally.loadsAttached++;
      timings = { ...EMPTY_TIMINGS, load_duration_ms: load.ms, cold_start: load.ms >= options.coldStartMs };
      model ??= load.model;
    }
    const errors = held;
    held = [];
    const failed = observation.status >= 500 && errors.length > 0;
    if (failed) {
      tally.errorsAttached += errors.length;
      model ??= errors.find((e) => e.model !== null)?.model ?? null;
    }
    if (model !== null && model !== observation.model) {
      tally.modelsNamed++;
      if (isBlobName(model)) tally.namedByFile++;
    }
    if (model !== null) observation.model = model;
    if (timings !== undefined) observation.timings = timings;
    if (failed) observation.error = { message: errors.map((e) => e.message).join('; ') };
    const record = { lineNumber, parsed: validated(buildRequestMetric(observation)) };
    return failed || errors.length === 0 ? [record] : [...errorRecords(errors), record];
  };

  return {
    read(raw, lineNumber) {
      const own = readSlogLine(raw);
      if (own !== null) return readOwnLine(own, lineNumber);
      const request = readGinLine(raw, options.timeZone);
      return 'skip' in request ? [{ lineNumber, parsed: request }] : readRequest(request.observation, lineNumber);
    },
    end() {
      const errors = held;
      held = [];
      return errorRecords(errors);
    },
    notes() {
      const notes: string[] = [];
      const loadCount = tally.loadsAttached + loads.length;
      if (loadCount > 0) {
        const cut =
          loads.length === 0 ? '' : `, ${loads.length} followed by no request line (not recorded: the log may be cut)`;
        notes.push(`model loads ${loadCount}: ${tally.loadsAttached} attached to the request they delayed${cut}`);
      }
      if (tally.modelsNamed > 0) notes.push(`model named from the load lines for ${tally.modelsNamed} request(s)`);
      if (tally.namedByFile > 0)
        notes.push(
          `${tally.namedByFile} of them by weights file (sha256-…): --ollama-models DIR (Ollama's models folder) names them as pulled`,
        );
      const errorCount = tally.errorsAttached + tally.errorsAlone;
      if (errorCount > 0)
        notes.push(
          `server errors ${errorCount}: ${tally.errorsAttached} attached to their 5xx request line, ${tally.errorsAlone} recorded alone`,
        );
      return notes;
    },
  };
}
