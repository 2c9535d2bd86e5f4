/**
 * Classifying failed Ollama responses: HTTP status and error body → `error_type`,
 * and the human-readable message Ollama (or its OpenAI-compatible layer) sent.
 */
import { ERROR_MESSAGE_MAX, type ErrorType } from './schema.js';

// Ollama answers an unknown model with 404 `{"error":"model \"x\" not found, try pulling it first"}`
// on native routes and an OpenAI-style error object on /v1 (docs/api.md, docs/openai.md). A route
// it does not have (an older Ollama, a typo) is a plain-text `404 page not found`: not a model.
const MODEL_NOT_FOUND = /model\b.*\bnot found/i;

/**
 * The `error_type` for an HTTP status, or `null` when the status is a success (< 400).
 * A message naming a missing model wins over the status (some routes answer it with 400); any
 * other 404 is `not_found`.
 *
 * @example
 * errorTypeForStatus(404, 'model "x" not found, try pulling it first')  // 'model_not_found'
 * errorTypeForStatus(404, null)  // 'not_found'
 * errorTypeForStatus(503)  // 'upstream_busy'
 */
export function errorTypeForStatus(status: number, message?: string | null): ErrorType | null {
  if (status < 400) return null;
  if (message != null && MODEL_NOT_FOUND.test(message)) return 'model_not_found';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 499) return 'client_aborted';
  if (status < 500) return 'bad_request';
  if (status === 503) return 'upstream_busy';
  return 'upstream_error';
}

/**
 * The error message carried by an Ollama error body — native `{"error": "…"}` or
 * OpenAI-style `{"error": {"message": "…"}}` — cut to {@link ERROR_MESSAGE_MAX} characters;
 * `null` when the value carries no error.
 */
export function errorMessageOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return truncateMessage(error);
  if (error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    return typeof message === 'string' ? truncateMessage(message) : truncateMessage(JSON.stringify(error));
  }
  return null;
}

/** Cuts a message to at most {@link ERROR_MESSAGE_MAX} characters without splitting a surrogate pair. */
export function truncateMessage(message: string): string {
  if (message.length <= ERROR_MESSAGE_MAX) return message;
  let end = ERROR_MESSAGE_MAX;
  const last = message.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return message.slice(0, end);
}
