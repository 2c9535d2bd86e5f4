/**
 * The API's error shape, `{ error: { code, message, issues? } }`, for every 4xx/5xx the
 * API itself produces (proxied Ollama errors pass through untouched).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDiskFull } from '../storage/disk-full.js';
import { StorageBusyError } from '../storage/gateway-store.js';

/** Stable error codes clients can branch on. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'storage_busy'
  | 'insufficient_storage'
  | 'internal';

/** The JSON body of an API error. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; issues?: unknown[] };
}

/** An HTTP error that renders as {@link ApiErrorBody}. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: unknown[],
  ) {
    super(status, { message });
  }
}

/** Renders an {@link ApiError}. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ApiErrorCode,
  message: string,
  issues?: unknown[],
): Response {
  const body: ApiErrorBody = { error: issues === undefined ? { code, message } : { code, message, issues } };
  return c.json(body, status);
}

/** `app.onError`: API errors as JSON; anything unexpected as a 500 without internals. */
export function onApiError(error: Error, c: Context): Response {
  if (error instanceof ApiError)
    return errorResponse(c, error.status as ContentfulStatusCode, error.code, error.message, error.issues);
  if (error instanceof HTTPException) {
    const code: ApiErrorCode =
      error.status === 401
        ? 'unauthorized'
        : error.status === 413
          ? 'payload_too_large'
          : error.status >= 500
            ? 'internal'
            : 'bad_request';
    return errorResponse(c, error.status as ContentfulStatusCode, code, error.message || 'request refused');
  }
  if (error instanceof StorageBusyError) {
    c.header('Retry-After', String(error.retryAfterSeconds));
    return errorResponse(c, 503, 'storage_busy', error.message);
  }
  if (isDiskFull(error)) {
    // The gateway and its other routes go on; the client learns why this write was refused.
    return errorResponse(
      c,
      507,
      'insufficient_storage',
      'the disk is full: records cannot be stored until space is freed; retry later',
    );
  }
  console.error(`[ollama-perf] ${c.req.method} ${c.req.path} failed: ${error.message}`);
  return errorResponse(c, 500, 'internal', 'internal error');
}
