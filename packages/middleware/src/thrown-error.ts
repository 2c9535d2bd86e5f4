/**
 * What a thrown error says about the upstream: a `fetch` that could not connect, or
 * one that timed out. Web-standard: reads only `name`, `code` and `cause`.
 */
import type { ErrorType } from '@ollama-perf/core';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'EPIPE',
]);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The `error_type` a thrown error implies, or `null` when it says nothing about the upstream. */
export function errorTypeOfThrown(error: unknown): ErrorType | null {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const { name, code, cause } = e as { name?: unknown; code?: unknown; cause?: unknown };
    if (name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT.has(code))) return 'upstream_timeout';
    if (typeof code === 'string' && UNREACHABLE.has(code)) return 'upstream_unreachable';
    e = cause;
  }
  return null;
}

/** A one-line message for a thrown value, with its cause when it has one. */
export function messageOfThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
