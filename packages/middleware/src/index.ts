/**
 * @ollama-perf/middleware — capture Ollama's own timings on any Hono route (this entry,
 * Web-standard: Node, Workers, Bun, Deno), any Express app (`/express`), or any `ollama`
 * client instance (`withMetrics`). Node-only sinks live in `/node`.
 */
export { ollamaMetrics, type OllamaMetricsOptions } from './ollama-metrics.js';
export { withMetrics, type WithMetricsOptions } from './with-metrics.js';
export { CaptureContext, RequestCapture, type CaptureEnd, type CaptureInit, type CaptureOptions } from './capture.js';
export { observeBody, type BodyObserver } from './observe-body.js';
export { modelOfRequest, modelScanner, type ModelScanner } from './request-model.js';
export { deliver, logMetricError, type MetricErrorHandler, type MetricSink } from './sink.js';
export { memorySink, type MemorySink } from './sinks/memory.js';
export { consoleSink } from './sinks/console.js';
export { httpSink, type HttpSink, type HttpSinkOptions } from './sinks/http.js';
export { errorTypeOfThrown, messageOfThrown } from './thrown-error.js';
export { uuidv7 } from './uuid.js';
