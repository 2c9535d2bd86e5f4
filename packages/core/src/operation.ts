/**
 * Which Ollama routes are inference requests, and what operation each one is.
 * Everything else (`/api/tags`, `/api/ps`, `/api/pull`, …) is not recorded.
 */
import type { Operation } from './schema.js';

const OPERATION_BY_PATH: ReadonlyMap<string, Operation> = new Map([
  ['/api/generate', 'generate'],
  ['/v1/completions', 'generate'],
  ['/api/chat', 'chat'],
  ['/v1/chat/completions', 'chat'],
  ['/v1/responses', 'chat'],
  ['/v1/messages', 'chat'],
  ['/api/embed', 'embed'],
  ['/api/embeddings', 'embed'],
  ['/v1/embeddings', 'embed'],
]);

/**
 * The operation an Ollama request path performs, or `null` when the path is not an
 * inference route. A trailing slash and a query string are ignored; a prefix before
 * `/api/` or `/v1/` (a mounted router, e.g. `/ollama/api/chat`) is allowed.
 *
 * @example
 * operationForPath('/v1/chat/completions') // 'chat'
 * operationForPath('/api/tags')            // null
 */
export function operationForPath(path: string): Operation | null {
  const clean = canonicalEndpoint(path);
  const direct = OPERATION_BY_PATH.get(clean);
  if (direct !== undefined) return direct;
  const at = Math.max(clean.lastIndexOf('/api/'), clean.lastIndexOf('/v1/'));
  return at > 0 ? (OPERATION_BY_PATH.get(clean.slice(at)) ?? null) : null;
}

/**
 * The path as recorded in `endpoint`: no query string, no trailing slash.
 *
 * @example
 * canonicalEndpoint('/api/chat/?x=1') // '/api/chat'
 */
export function canonicalEndpoint(path: string): string {
  let end = path.length;
  const query = path.indexOf('?');
  if (query !== -1) end = query;
  const hash = path.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;
  while (end > 1 && path.charCodeAt(end - 1) === 47 /* "/" */) end--;
  return end === path.length ? path : path.slice(0, end);
}
