/**
 * Prompts of a chosen token count. Tokenizers differ per model, so the length in characters
 * comes from a fit of Ollama's own `prompt_eval_count` against prompt length (a chat
 * template adds a fixed number of tokens, each character a fraction of one), refined by
 * what Ollama counted for the prompt actually sent. A unique prefix per request keeps
 * Ollama's prompt cache from serving it: a cached prompt is barely evaluated, and its
 * prompt speed would be fiction.
 */

// A task that does not end on its own: the answer runs until num_predict stops it.
const INSTRUCTION = 'Continue this list of words, one per line, and never stop:\n';
const WORDS = (
  'river stone maple lantern orbit velvet harbor quartz meadow signal copper thunder ' +
  'willow canyon ember glacier prism falcon saddle tunnel violet anchor marble comet '
).repeat(4);

/** tokens ≈ `overhead` + `perChar` × characters, as fitted for one model. */
export interface TokenFit {
  overhead: number;
  perChar: number;
}

/** What a probe found: a prompt of `chars` characters counted as `tokens`. */
export interface TokenProbe {
  chars: number;
  tokens: number;
}

/** Probe lengths (characters) for {@link fitTokens}: short and long, so the template's share separates. */
export const PROBE_CHARS = [240, 4000] as const;

// Most tokenizers average 3–5 characters per token on English text.
const FALLBACK_PER_CHAR = 0.25;

/**
 * The line through two probes; falls back to 4 characters per token when they do not
 * rise (a model that counts nothing).
 *
 * @example
 * fitTokens({ chars: 240, tokens: 70 }, { chars: 4000, tokens: 1010 }) // { overhead: 10, perChar: 0.25 }
 */
export function fitTokens(short: TokenProbe, long: TokenProbe): TokenFit {
  const perChar = (long.tokens - short.tokens) / (long.chars - short.chars);
  if (!Number.isFinite(perChar) || perChar <= 0) return { overhead: 0, perChar: FALLBACK_PER_CHAR };
  return { overhead: Math.max(0, short.tokens - perChar * short.chars), perChar };
}

/** Characters a prompt needs to count `tokens` tokens under `fit` (at least the prefix and instruction). */
export function charsFor(tokens: number, fit: TokenFit): number {
  return Math.max(INSTRUCTION.length + 32, Math.round((tokens - fit.overhead) / fit.perChar));
}

/**
 * The fit refined by one prompt of `chars` characters that Ollama counted as `tokens`
 * (the template's share kept, the per-character rate corrected).
 */
export function refineFit(fit: TokenFit, chars: number, tokens: number): TokenFit {
  const perChar = (tokens - fit.overhead) / chars;
  return perChar > 0 && Number.isFinite(perChar) ? { overhead: fit.overhead, perChar } : fit;
}

/**
 * A prompt of exactly `chars` characters starting with `prefix`: the prefix, the
 * instruction, then list words.
 *
 * @example
 * buildPrompt('[k3f9x0 #17 bench 20261130-101500] ', 600)
 */
export function buildPrompt(prefix: string, chars: number): string {
  const head = `${prefix}${INSTRUCTION}`;
  let body = '';
  while (head.length + body.length < chars) body += WORDS;
  return (head + body).slice(0, Math.max(chars, head.length));
}

/**
 * The prefix of one request: unique per request with cache defeat (a counter and random
 * characters), the same for all without it.
 */
export function promptPrefix(runId: string, sequence: number, cacheDefeat: boolean, random = Math.random): string {
  if (!cacheDefeat) return `[bench ${runId}] `;
  // The random part comes first: Ollama reuses a cached prefix token by token, so even a
  // shared "[bench <run id>" would be served from the cache.
  const nonce = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `[${nonce} #${sequence} bench ${runId}] `;
}
