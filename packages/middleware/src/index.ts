/**
 * @ollama-perf/middleware — capture Ollama's own timings on any Hono route (this entry,
 * Web-standard: Node, Workers, Bun, Deno), any Express app (`/express`), or any `ollama`
 * client instance (`withMetrics`). Node-only sinks live in `/node`.
 */

export {
  CaptureContext,
  type CaptureEnd,
  type CaptureInit,
  type CaptureOptions,
  DEFAULT_PROJECT_HEADER,
  RequestCapture,
} from './capture.js';
export { type ContentCoding, contentCodingOf } from './content-coding.js';
export { webInflater } from './decode-web.js';
export {
  type DecodedBodyObserver,
  decodingObserver,
  type Inflater,
  type InflaterFactory,
} from './decoding-observer.js';
export { type BodyObserver, observeBody } from './observe-body.js';
export { type OllamaMetricsOptions, ollamaMetrics } from './ollama-metrics.js';
export { type ModelScanner, modelOfRequest, modelScanner } from './request-model.js';
export { deliver, logMetricError, type MetricErrorHandler, type MetricSink } from './sink.js';
export { consoleSink } from './sinks/console.js';
export { type HttpSink, type HttpSinkOptions, httpSink } from './sinks/http.js';
export { type MemorySink, memorySink } from './sinks/memory.js';
export { errorTypeOfThrown, messageOfThrown } from './thrown-error.js';
export { uuidv7 } from './uuid.js';
export { type WithMetricsOptions, withMetrics } from './with-metrics.js';
