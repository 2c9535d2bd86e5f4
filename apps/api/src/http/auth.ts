/**
 * Bearer-token guard for the reserved routes when `API_TOKEN` is set. The comparison
 * hashes both sides first so it takes the same time whatever the guess (no length or
 * prefix leak); the token never appears in an error or a log line.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares two secrets in constant time (over their SHA-256 digests). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

/** Requires `Authorization: Bearer <token>`; with no token configured, lets everything through. */
export function requireToken(token: string | undefined): MiddlewareHandler {
  return async function requireToken(c, next) {
    if (token === undefined || token === '') return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null || !(await secretsEqual(match[1] as string, token))) {
      c.header('WWW-Authenticate', 'Bearer realm="ollama-perf"');
      throw new ApiError(401, 'unauthorized', 'missing or wrong bearer token');
    }
    return next();
  };
}
