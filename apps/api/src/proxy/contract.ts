/**
 * The proxy contract, written once for both data paths (`fetch-proxy.ts` on Workers and in
 * the Hono app, `node-proxy.ts` on Node): which headers never cross a hop, how long Ollama
 * may stay silent, and how a request Ollama did not answer is answered.
 */
import { errorTypeOfThrown, messageOfThrown } from '@ollama-perf/middleware';

/**
 * Headers that never cross the proxy: RFC 9110 §7.6.1's connection-specific ones, plus
 * `host` (set to the upstream's: Ollama answers 403 to a Host that is not local). Those a
 * `Connection` header names are dropped too.
 */
export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];

/**
 * Largest request body kept to send again after losing the keep-alive race with Ollama, bytes
 * (its bodies are small JSON); a larger one is not retried.
 */
export const MAX_REPLAY_BYTES = 1024 * 1024;

/** Default longest wait for Ollama's response headers, ms: a cold load of a large model takes minutes. */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 600_000;
/** Default longest silence between two chunks of an answer, ms; the stream is then cut. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** How long Ollama may keep a proxied request waiting; both data paths take these options. */
export interface UpstreamTimeoutOptions {
  /** Longest wait for Ollama's response headers, ms. Default {@link DEFAULT_FIRST_BYTE_TIMEOUT_MS}. */
  firstByteTimeoutMs?: number | undefined;
  /** Longest silence between two body chunks, ms. Default {@link DEFAULT_IDLE_TIMEOUT_MS}. */
  idleTimeoutMs?: number | undefined;
}

/** The timeouts in force, defaults applied, and the errors each one raises. */
export interface UpstreamTimeouts {
  firstByteMs: number;
  idleMs: number;
  /** The error that cuts a request Ollama did not start answering in time. */
  firstByteError(): Error;
  /** The error that cuts an answer Ollama fell silent in. */
  idleError(): Error;
}

/** Applies the defaults to {@link UpstreamTimeoutOptions}. */
export function upstreamTimeouts(options: UpstreamTimeoutOptions): UpstreamTimeouts {
  const firstByteMs = options.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return {
    firstByteMs,
    idleMs,
    firstByteError: () => timeoutError(`Ollama did not answer within ${firstByteMs} ms`),
    idleError: () => timeoutError(`Ollama sent nothing for ${idleMs} ms`),
  };
}

/** An Error that `errorTypeOfThrown()` reads as `upstream_timeout`. */
export function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = 'TimeoutError';
  return error;
}

/** The answer to a request Ollama did not answer. */
export interface UpstreamFailure {
  status: 502 | 504;
  code: 'upstream_timeout' | 'upstream_unreachable';
  message: string;
}

/** The answer to a request Ollama did not answer: 504 after a timeout, else 502. */
export function upstreamFailure(base: URL, reason: unknown): UpstreamFailure {
  const timedOut = errorTypeOfThrown(reason) === 'upstream_timeout';
  return {
    status: timedOut ? 504 : 502,
    code: timedOut ? 'upstream_timeout' : 'upstream_unreachable',
    message: `Ollama at ${base.origin} did not answer: ${messageOfThrown(reason)}`,
  };
}
