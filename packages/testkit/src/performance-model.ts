/**
 * How fast a stand-in Ollama's models run, so that a benchmark against it has known answers:
 * prompt evaluation that grows with the prompt (a chars-per-token rule and a prompt speed per
 * model), a generation speed per model, a cold load time per model, Ollama's prompt cache
 * (a repeated prefix is not evaluated again) and slow-down under concurrency (the aggregate
 * speed of a model stops growing past its parallel slots, as with OLLAMA_NUM_PARALLEL).
 * `timeScale` makes the stand-in also take that time, chunk by chunk.
 */
import type { AnswerTimings } from './ollama-wire.js';

/** The speeds of one model. */
export interface ModelSpeed {
  /** Prompt evaluation speed, tokens/s. Default 1000. */
  promptTokensPerSecond: number;
  /** Generation speed of one request running alone, tokens/s. Default 50. */
  generationTokensPerSecond: number;
  /** `load_duration` of a cold load, ms; `undefined`: the stand-in's `coldLoadNs`. */
  coldLoadMs?: number | undefined;
}

/** Options of {@link createPerformanceModel}. */
export interface PerformanceModelOptions {
  /** Speeds per model name; models not named run at `defaultSpeed`. */
  speeds?: Record<string, Partial<ModelSpeed>>;
  /** Speeds of models not in `speeds`. Default 1000 prompt tokens/s, 50 tokens/s. */
  defaultSpeed?: Partial<ModelSpeed>;
  /** Prompt characters per token. Default 4. */
  charsPerToken?: number;
  /** Tokens every prompt costs on top of its text (a chat template's). Default 0. */
  promptOverheadTokens?: number;
  /**
   * Requests a model serves at full speed at once. With more in flight, each gets
   * `parallel / inFlight` of its speed, so the aggregate stays flat. Default 1.
   */
  parallel?: number;
  /** Prompts remembered per model for prefix caching. Default 4. */
  cacheSlots?: number;
  /**
   * Real milliseconds the stand-in takes per reported millisecond (load and prompt
   * evaluation before the first chunk, each token after). Default 0: answers at once.
   */
  timeScale?: number;
  /** After a `keep_alive: 0` unload, `/api/ps` still lists the model this long, ms. Default 0. */
  unloadDelayMs?: number;
}

/** What the stand-in knows of one inference request. */
export interface PerformanceRequest {
  model: string;
  /** The prompt text (a chat's message contents, joined). */
  prompt: string;
  /** Tokens to generate. */
  tokens: number;
  /** `load_duration` the stand-in would report, ns (cold or warm). */
  loadNs: number;
  /** Whether this request loads the model. */
  cold: boolean;
  /** Inference requests in flight at arrival, this one included. */
  inFlight: number;
}

/** Delays that make a stream take the time its timings report. */
export interface Pacing {
  /** Before the first chunk, ms. */
  firstChunkMs: number;
  /** Between generated tokens, ms. */
  perTokenMs: number;
}

/** A stand-in's performance: timings of answers, and the prompt cache they depend on. */
export interface PerformanceModel {
  readonly unloadDelayMs: number;
  /** Timings of one answer; remembers the prompt for the model's prompt cache. */
  timings(request: PerformanceRequest): AnswerTimings;
  /** How to pace a stream with these timings (null: no pacing). */
  pacing(timings: AnswerTimings): Pacing | null;
  /** The model was unloaded: its prompt cache is gone. */
  forget(model: string): void;
}

const DEFAULT_SPEED: ModelSpeed = { promptTokensPerSecond: 1000, generationTokensPerSecond: 50 };
// total_duration also holds some time outside load, prompt and generation (sampling, HTTP).
const OTHER_NS = 1_234_567;

/**
 * A performance model for `startStandInOllama({ performance })`.
 *
 * @example
 * const ollama = await startStandInOllama({
 *   performance: createPerformanceModel({ speeds: { 'llama3.2': { generationTokensPerSecond: 42 } } }),
 * });
 */
export function createPerformanceModel(options: PerformanceModelOptions = {}): PerformanceModel {
  const charsPerToken = options.charsPerToken ?? 4;
  const overhead = options.promptOverheadTokens ?? 0;
  const parallel = Math.max(1, options.parallel ?? 1);
  const slots = Math.max(1, options.cacheSlots ?? 4);
  const timeScale = options.timeScale ?? 0;
  const caches = new Map<string, string[]>();
  const speedOf = (model: string): ModelSpeed => ({
    ...DEFAULT_SPEED,
    ...options.defaultSpeed,
    ...options.speeds?.[model],
  });
  return {
    unloadDelayMs: options.unloadDelayMs ?? 0,
    timings(request) {
      const speed = speedOf(request.model);
      const share = Math.min(1, parallel / Math.max(1, request.inFlight));
      const promptTokens = overhead + Math.ceil(request.prompt.length / charsPerToken);
      const cache = caches.get(request.model) ?? [];
      const cachedChars = Math.max(0, ...cache.map((seen) => commonPrefixLength(seen, request.prompt)));
      // Ollama evaluates at least the prompt's last token again, even on a full cache hit.
      const evaluated = Math.max(1, promptTokens - Math.floor(cachedChars / charsPerToken));
      caches.set(request.model, [request.prompt, ...cache.filter((p) => p !== request.prompt)].slice(0, slots));
      const loadNs =
        request.cold && speed.coldLoadMs !== undefined ? Math.round(speed.coldLoadMs * 1e6) : request.loadNs;
      const promptEval = Math.round((evaluated / (speed.promptTokensPerSecond * share)) * 1e9);
      const evalNs = Math.round((request.tokens / (speed.generationTokensPerSecond * share)) * 1e9);
      return {
        load_duration: loadNs,
        // Ollama's runner counts the whole prompt, cached part included, while the duration
        // covers only what it evaluated: a cached prompt reads impossibly fast
        // (ollama/ollama runner: numPromptInputs is taken before the cache is loaded).
        prompt_eval_count: promptTokens,
        prompt_eval_duration: promptEval,
        eval_count: request.tokens,
        eval_duration: evalNs,
        total_duration: loadNs + promptEval + evalNs + OTHER_NS,
      };
    },
    pacing(t) {
      if (timeScale <= 0) return null;
      return {
        firstChunkMs: ((t.load_duration + t.prompt_eval_duration) / 1e6) * timeScale,
        perTokenMs: t.eval_count > 0 ? (t.eval_duration / t.eval_count / 1e6) * timeScale : 0,
      };
    },
    forget(model) {
      caches.delete(model);
    },
  };
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The prompt text of a `/api/generate` or `/api/chat` body (system and message contents
 * joined), which the performance model counts tokens of.
 */
export function promptTextOf(body: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof body.system === 'string') parts.push(body.system);
  if (typeof body.prompt === 'string') parts.push(body.prompt);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const content = (message as { content?: unknown } | null)?.content;
      if (typeof content === 'string') parts.push(content);
    }
  }
  return parts.join('\n');
}
