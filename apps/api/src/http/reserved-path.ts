/**
 * Which request paths the gateway answers itself. They are matched on the path with runs of
 * slashes collapsed (`//stats` is `/stats`, as most servers read it), so an extra slash never
 * sends a reserved route — and the gateway's token with it — to Ollama. Case is kept: Ollama's
 * routes are case-sensitive, so `/STATS` is an Ollama path (see `gateway-token.ts`).
 */

/** Paths the API answers itself; everything else goes to Ollama. */
export const RESERVED_PREFIXES = ['/stats', '/ingest', '/healthz', '/metrics', '/models', '/dashboard'] as const;

const SLASHES = /\/{2,}/g;

/**
 * `path` with every run of slashes collapsed to one: the path the routes are matched on.
 *
 * @example
 * routedPath('//stats///llama3.2')  // '/stats/llama3.2'
 */
export function routedPath(path: string): string {
  return path.includes('//') ? path.replace(SLASHES, '/') : path;
}

/** Whether the gateway answers `path` itself (matched as {@link routedPath} reads it). */
export function isReservedPath(path: string): boolean {
  const routed = routedPath(path);
  for (const prefix of RESERVED_PREFIXES) {
    if (routed.startsWith(prefix) && (routed.length === prefix.length || routed[prefix.length] === '/')) return true;
  }
  return false;
}
