/**
 * Assembling one {@link RequestMetric} from what a capture observed. Hono, Express and the
 * wrapped `ollama` client all call this, so a record means the same whichever way it came in.
 */

import { errorTypeForStatus, truncateMessage } from './error-type.js';
import { EMPTY_TIMINGS, type OllamaTimings } from './ollama-timings.js';
import { canonicalEndpoint } from './operation.js';
import type { StreamTiming } from './response-observer.js';
import { type ErrorType, NAME_MAX, type Operation, type RequestMetric } from './schema.js';

/** Model name recorded when neither request nor response named one. */
export const UNKNOWN_MODEL = 'unknown';

/** What a capture saw of one inference request. */
export interface RequestObservation {
  id: string;
  /** Arrival, epoch ms. */
  ts: number;
  endpoint: string;
  operation: Operation;
  /** From the response if it named one, else from the request body. */
  model: string | null;
  project: string | null;
  stream: boolean;
  /** HTTP status sent to the client. */
  status: number;
  /** Arrival → last byte to the client, ms. */
  latency_ms: number;
  /** Arrival → first chunk carrying generated content, ms (streams only). */
  ttft_ms: number | null;
  /** Ollama's timings and counts, when the response carried them. */
  timings?: OllamaTimings | undefined;
  /**
   * A failure the status alone does not show (an error line mid-stream, a client that
   * went away, an unreachable upstream), or the message that came with an error status.
   */
  error?: { type?: ErrorType | undefined; message?: string | null | undefined } | undefined;
  concurrency?: number | null | undefined;
  switched_from?: string | null | undefined;
  /** Content chunks and their spread as the data path saw them (streams only; absent: null). */
  stream_timing?: StreamTiming | null | undefined;
}

/**
 * Builds the record for an observation: classifies the error (explicit type, else from
 * the status and message), sets `success`, cuts over-long text to the schema's limits.
 *
 * @example
 * buildRequestMetric({ id, ts, endpoint: '/api/chat', operation: 'chat', model: 'llama3.2',
 *   project: null, stream: true, status: 200, latency_ms: 812, ttft_ms: 95,
 *   timings: observer.timings() })
 */
export function buildRequestMetric(observation: RequestObservation): RequestMetric {
  const message = observation.error?.message ?? null;
  const errorType = observation.error?.type ?? errorTypeForStatus(observation.status, message);
  const timings = observation.timings ?? EMPTY_TIMINGS;
  return {
    id: observation.id,
    ts: observation.ts,
    model: clip(observation.model ?? UNKNOWN_MODEL) || UNKNOWN_MODEL,
    operation: observation.operation,
    endpoint: clip(canonicalEndpoint(observation.endpoint)) || '/',
    project: observation.project === null || observation.project === '' ? null : clip(observation.project),
    stream: observation.stream,
    status: observation.status,
    success: errorType === null,
    error_type: errorType,
    error_message: errorType === null || message === null ? null : storable(truncateMessage(message)),
    latency_ms: Math.max(0, observation.latency_ms),
    ttft_ms: observation.ttft_ms === null ? null : Math.max(0, observation.ttft_ms),
    ...timings,
    done_reason: timings.done_reason === null ? null : storable(timings.done_reason),
    concurrency: observation.concurrency ?? null,
    switched_from: observation.switched_from ?? null,
    output_chunks: observation.stream_timing?.output_chunks ?? null,
    decode_ms: observation.stream_timing?.decode_ms ?? null,
  };
}

function clip(text: string): string {
  return storable(text.length <= NAME_MAX ? text : text.slice(0, NAME_MAX));
}

// The schema refuses U+0000 (PostgreSQL cannot store it); a name or message from the wire
// may carry one, so it becomes U+FFFD, as an undecodable byte does.
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
