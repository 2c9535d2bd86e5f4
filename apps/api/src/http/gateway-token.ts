/**
 * The gateway's API token is the gateway's own credential: a proxied request that carries it
 * (`Authorization: Bearer <API_TOKEN>`, e.g. a script that asked for `/STATS` — an Ollama
 * path, since Ollama's routes are case-sensitive) goes to Ollama without it. Any other
 * Authorization (one an auth proxy in front of Ollama wants) passes unchanged.
 */

const BEARER = /^Bearer\s+(.+)$/i;

/**
 * Whether an `Authorization` header value presents `token` (as `requireToken()` reads it).
 * Synchronous, for the Node data path; the comparison takes the same time for every guess
 * of a given length, so which headers are withheld says nothing about the token.
 *
 * @example
 * presentsToken('Bearer s3cret', 's3cret')  // true
 * presentsToken('Bearer other', 's3cret')   // false
 */
export function presentsToken(authorization: string | null | undefined, token: string | undefined): boolean {
  if (token === undefined || token === '' || authorization == null) return false;
  const guess = BEARER.exec(authorization)?.[1];
  if (guess === undefined) return false;
  let diff = guess.length ^ token.length;
  for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ (guess.charCodeAt(i) | 0);
  return diff === 0;
}
