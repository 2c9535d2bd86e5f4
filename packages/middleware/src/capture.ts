/**
 * The capture of one inference request, shared by every way in (Hono, Express, the
 * wrapped `ollama` client): it is told when the response starts, fed the body's chunks
 * (or parsed objects) as they pass, and told how it ended; it then builds the record and
 * hands it to the sink. Everything it does is guarded: measurement never throws into the
 * response path.
 */
import {
  buildRequestMetric,
  contentOfText,
  createJsonBodyReader,
  createNdjsonReader,
  createSseReader,
  DEFAULT_COLD_START_MS,
  type ErrorType,
  type Operation,
  type RequestMetric,
  ResponseObserver,
  type StreamItem,
  type StreamReader,
} from '@ollama-perf/core';
import { deliver, logMetricError, type MetricErrorHandler, type MetricSink } from './sink.js';
import { errorTypeOfThrown, messageOfThrown } from './thrown-error.js';
import { uuidv7 } from './uuid.js';

/** The request header that names the project unless configured otherwise. */
export const DEFAULT_PROJECT_HEADER = 'X-Project-Name';

/** Options every capture (Hono, Express, `withMetrics`) takes. */
export interface CaptureOptions {
  /** Where records go. */
  sink: MetricSink;
  /** A load at least this long (ms) is a cold start. Default 500. */
  coldStartMs?: number;
  /** Called when measuring or recording fails. Default: one `console.error` line. */
  onError?: MetricErrorHandler;
  /** How long a sink write may take before it is reported as failed, ms. Default 30000. */
  sinkTimeoutMs?: number;
  /** Record id generator. Default: UUIDv7. */
  generateId?: () => string;
}

/** How a response body ended. */
export interface CaptureEnd {
  /** The client went away before the end. */
  aborted?: boolean;
  /** Reading the upstream body failed (it was cut, reset, timed out). */
  error?: unknown;
  /** The body was compressed and would not decompress: the decompressor's error. */
  undecodable?: unknown;
  /**
   * The body was compressed in a way this runtime cannot undo (the header that said so):
   * it was not read, and the record holds only what the status and timing show.
   */
  unread?: string;
}

// After the first content, only lines that may carry the final figures or an error are parsed,
// and typed events that may carry content; other content lines are counted from their text.
const MAY_MATTER = /"done":true|"error"|"usage"|"finish_reason":"|"stop_reason"|response\.completed/;
const MODEL_IN_MESSAGE = /model "([^"]{1,512})"/;

/** The state shared by the captures of one middleware instance: settings, in-flight count, last model. */
export class CaptureContext {
  readonly sink: MetricSink;
  readonly coldStartMs: number;
  readonly onError: MetricErrorHandler;
  readonly sinkTimeoutMs: number;
  readonly generateId: () => string;
  /** Inference requests in flight right now. */
  inFlight = 0;
  /** The model of the request that finished last (for `switched_from`). */
  lastModel: string | null = null;

  constructor(options: CaptureOptions) {
    this.sink = options.sink;
    this.coldStartMs = options.coldStartMs ?? DEFAULT_COLD_START_MS;
    this.onError = options.onError ?? logMetricError;
    this.sinkTimeoutMs = options.sinkTimeoutMs ?? 30_000;
    this.generateId = options.generateId ?? (() => uuidv7());
  }

  /** Starts the capture of one request, at its arrival. */
  begin(init: CaptureInit): RequestCapture {
    return new RequestCapture(this, init);
  }
}

/** What is known of a request when it arrives. */
export interface CaptureInit {
  endpoint: string;
  operation: Operation;
  project: string | null;
  /** The model named in the request body, if known (or a promise of it, read off a tee). */
  requestModel?: string | null | Promise<string | null>;
}

/** The capture of one request. */
export class RequestCapture {
  private readonly startedAt = performance.now();
  private readonly ts = Date.now();
  private readonly concurrency: number;
  private readonly previousModel: string | null;
  private readonly observer = new ResponseObserver();
  private reader: StreamReader | null = null;
  private format: 'ndjson' | 'sse' | 'json' = 'json';
  private status = 0;
  private thrown: unknown = undefined;
  private ttftMs: number | null = null;
  /** When the chunk being read reached the data path (`performance.now()`). */
  private chunkAt = 0;
  private sawDoneMarker = false;
  private finished = false;

  constructor(
    private readonly context: CaptureContext,
    private readonly init: CaptureInit,
  ) {
    this.concurrency = ++context.inFlight;
    this.previousModel = context.lastModel;
  }

  /** The response started: its status and Content-Type, and an error a handler threw, if any. */
  respond(status: number, contentType: string | null | undefined, thrown?: unknown): void {
    this.status = status;
    this.thrown = thrown;
    const type = (contentType ?? '').toLowerCase();
    // Hono's `stream()` helper sends no Content-Type, so a missing one is read as NDJSON; but
    // not on an error status: a proxy's own error page (http-proxy-middleware's 504) has none either.
    const untyped = type === '' && status < 400;
    this.format = type.includes('event-stream')
      ? 'sse'
      : untyped || type.includes('ndjson') || type.includes('jsonl')
        ? 'ndjson'
        : 'json';
    const select = (text: string): boolean => {
      if (!this.observer.sawContent || MAY_MATTER.test(text)) return true;
      const content = contentOfText(text);
      if (content === true) this.observer.countContent(this.chunkAt);
      return content === null;
    };
    this.reader =
      this.format === 'sse'
        ? createSseReader({ select })
        : this.format === 'ndjson'
          ? createNdjsonReader({ select })
          : createJsonBodyReader();
  }

  /** A chunk of the body passed to the client. Never throws. */
  chunk(bytes: Uint8Array | string): void {
    if (this.reader === null || this.finished) return;
    try {
      // Every line of one chunk reached the data path at once: they share its time.
      const at = performance.now();
      this.chunkAt = at;
      let rest = bytes;
      // A chunk often holds many lines, and a reader selects them all before any is observed:
      // until the first content, feed it a line at a time so that lines after it go unparsed.
      while (this.format !== 'json' && !this.observer.sawContent) {
        const newline = typeof rest === 'string' ? rest.indexOf('\n') : rest.indexOf(10);
        if (newline === -1 || newline === rest.length - 1) break;
        this.read(
          this.reader.push(typeof rest === 'string' ? rest.slice(0, newline + 1) : rest.subarray(0, newline + 1)),
          at,
        );
        rest = typeof rest === 'string' ? rest.slice(newline + 1) : rest.subarray(newline + 1);
      }
      this.read(this.reader.push(rest), at);
    } catch (error) {
      this.context.onError(error);
    }
  }

  private read(items: StreamItem[], at: number): void {
    for (const item of items) {
      if (item.kind === 'json') this.object(item.value, at);
      else if (item.kind === 'done') this.sawDoneMarker = true;
    }
  }

  /**
   * One parsed object of the response (for callers that never see bytes), seen at `at`
   * (`performance.now()`; default: now). Never throws.
   */
  object(value: unknown, at = performance.now()): void {
    try {
      if (this.observer.observe(value, at) && this.ttftMs === null && this.format !== 'json') {
        this.ttftMs = at - this.startedAt;
      }
    } catch (error) {
      this.context.onError(error);
    }
  }

  /**
   * The response ended (or was cut, or abandoned). Builds the record and writes it to the
   * sink; the promise settles when the sink did (or gave up) and never rejects. Only the
   * first call counts.
   */
  finish(end: CaptureEnd = {}): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.finished = true;
    const latencyMs = performance.now() - this.startedAt;
    this.context.inFlight--;
    try {
      if (this.reader !== null && !end.aborted) {
        this.chunkAt = performance.now();
        this.read(this.reader.end(), this.chunkAt);
      }
    } catch (error) {
      this.context.onError(error);
    }
    const requestModel = this.init.requestModel;
    if (requestModel instanceof Promise && this.observer.model === null) {
      return requestModel.then(
        (model) => this.record(latencyMs, end, model),
        () => this.record(latencyMs, end, null),
      );
    }
    return this.record(latencyMs, end, requestModel instanceof Promise ? null : (requestModel ?? null));
  }

  private record(latencyMs: number, end: CaptureEnd, requestModel: string | null): Promise<void> {
    let metric: RequestMetric;
    try {
      const error = this.errorOf(end);
      const model = this.observer.model ?? requestModel ?? modelInMessage(error?.message ?? null);
      const timings = this.observer.timings({ coldStartMs: this.context.coldStartMs });
      const switched = timings.cold_start === true && this.previousModel !== null && this.previousModel !== model;
      metric = buildRequestMetric({
        id: this.context.generateId(),
        ts: this.ts,
        endpoint: this.init.endpoint,
        operation: this.init.operation,
        model,
        project: this.init.project,
        stream: this.format !== 'json',
        status: this.status,
        latency_ms: latencyMs,
        ttft_ms: this.format === 'json' ? null : this.ttftMs,
        timings,
        error,
        concurrency: this.concurrency,
        switched_from: switched ? this.previousModel : null,
        stream_timing: this.format === 'json' ? null : this.observer.streamTiming(),
      });
      if (metric.model !== 'unknown') this.context.lastModel = metric.model;
    } catch (error) {
      this.context.onError(error);
      return Promise.resolve();
    }
    return deliver(this.context.sink, [metric], this.context.onError, this.context.sinkTimeoutMs);
  }

  /**
   * Whether the stream's final message (native `done: true`, a `finish_reason`, `data: [DONE]`…)
   * has passed to the client: from then on the request succeeded whatever the client does.
   */
  private get finalMessagePassed(): boolean {
    return this.format !== 'json' && (this.observer.sawEnd || this.sawDoneMarker);
  }

  private errorOf(end: CaptureEnd): { type?: ErrorType; message: string | null } | undefined {
    const observer = this.observer;
    // Python's openai SDK closes the connection as soon as it reads `data: [DONE]`, often
    // before the upstream's chunked body has ended: that is a finished request, not an abort.
    if (end.aborted && !this.finalMessagePassed)
      return { type: 'client_aborted', message: 'the client closed the connection before the response ended' };
    if (this.status >= 400) {
      const thrownType = this.thrown === undefined ? null : errorTypeOfThrown(this.thrown);
      const type = observer.errorType ?? thrownType ?? undefined;
      const message = observer.errorMessage ?? (this.thrown === undefined ? null : messageOfThrown(this.thrown));
      return type === undefined ? { message } : { type, message };
    }
    if (observer.errorMessage !== null) return { type: 'stream_error', message: observer.errorMessage };
    if (end.error !== undefined) {
      const type = errorTypeOfThrown(end.error) === 'upstream_timeout' ? 'upstream_timeout' : 'stream_error';
      return { type, message: `the response body broke off: ${messageOfThrown(end.error)}` };
    }
    if (end.undecodable !== undefined) {
      return {
        type: 'stream_error',
        message: `the compressed response body could not be decompressed: ${messageOfThrown(end.undecodable)}`,
      };
    }
    if (end.unread !== undefined) return undefined;
    if (this.format !== 'json' && !observer.sawEnd && !this.sawDoneMarker) {
      return { type: 'stream_error', message: 'the stream ended before its final message' };
    }
    return undefined;
  }
}

function modelInMessage(message: string | null): string | null {
  return message === null ? null : (MODEL_IN_MESSAGE.exec(message)?.[1] ?? null);
}
