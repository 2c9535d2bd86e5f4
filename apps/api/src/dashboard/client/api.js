// Requests to this gateway's JSON API, with the API token kept in localStorage when one is set.

const TOKEN_KEY = 'ollama-perf.token';

/** Thrown when the gateway refuses the request for want of a (valid) token. */
export class Unauthorized extends Error {
  constructor(hadToken) {
    super('unauthorized');
    this.hadToken = hadToken;
  }
}

/** Stores the token the user typed. */
export function saveToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

/**
 * GETs `path` and returns its JSON; `null` for a 404 when `optional` (an older gateway without
 * that route).
 */
export async function api(path, { optional = false } = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status === 401) throw new Unauthorized(Boolean(token));
  if (optional && res.status === 404) return null;
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}
