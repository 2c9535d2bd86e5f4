/**
 * Reads what a response says about itself, one parsed object at a time: the final
 * `done: true` line of a native stream, a whole JSON body, or the SSE events of the
 * OpenAI-compatible (`/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`),
 * Responses (`/v1/responses`) and Anthropic-compatible (`/v1/messages`) routes.
 * Every way in (Hono, Express, the wrapped `ollama` client) feeds the same observer,
 * so every way in records the same numbers.
 */
import { errorMessageOf } from './error-type.js';
import {
  type OllamaTimings,
  type RawOllamaCounters,
  type TimingsOptions,
  timingsFromOllama,
} from './ollama-timings.js';
import { type ErrorType, errorTypeSchema } from './schema.js';

type Json = Record<string, unknown>;

/**
 * Accumulates model, timings, token usage, finish reason and in-band errors from the
 * objects of one response.
 *
 * @example
 * const observer = new ResponseObserver();
 * for (const line of lines) if (observer.observe(line)) ttft = now();
 * observer.timings({ coldStartMs: 500 });
 */
export class ResponseObserver {
  /** The model the response names (the last one seen), if any. */
  model: string | null = null;
  /** The message of an `{"error": …}` object seen in the response, if any. */
  errorMessage: string | null = null;
  /**
   * An `error_type` named by an error object's `code` (`{"error":{"code":"upstream_unreachable",…}}`,
   * as the ollama-perf gateway answers), if any.
   */
  errorType: ErrorType | null = null;
  /** Whether any object carried generated content. */
  sawContent = false;
  /** Whether a native `done: true` object was seen. */
  sawDone = false;
  /**
   * Whether the response said it was complete: `done: true`, a `finish_reason`, a
   * `stop_reason`, `response.completed` or `message_stop`. A stream that ends without
   * this was cut off.
   */
  sawEnd = false;
  private readonly counters: RawOllamaCounters = {};

  /**
   * Feeds one parsed object. Returns `true` exactly once: for the first object that
   * carries generated content (what time to first token measures).
   */
  observe(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const o = value as Json;
    if (typeof o.model === 'string' && o.model !== '') this.model = o.model;
    if (o.error !== undefined && o.error !== null) {
      this.errorMessage = errorMessageOf(o) ?? this.errorMessage;
      const code = errorTypeSchema.safeParse((o.error as { code?: unknown }).code);
      if (code.success) this.errorType = code.data;
      return false;
    }
    if (o.done === true || o.total_duration !== undefined) this.readNative(o);
    this.readOpenAi(o);
    if (this.sawContent || !carriesContent(o)) return false;
    this.sawContent = true;
    return true;
  }

  /** The record's Ollama-derived fields from everything observed so far. */
  timings(options: TimingsOptions = {}): OllamaTimings {
    return timingsFromOllama(this.counters, options);
  }

  private readNative(o: Json): void {
    if (o.done === true) this.sawDone = this.sawEnd = true;
    const c = this.counters;
    if (typeof o.total_duration === 'number') c.total_duration = o.total_duration;
    if (typeof o.load_duration === 'number') c.load_duration = o.load_duration;
    if (typeof o.prompt_eval_duration === 'number') c.prompt_eval_duration = o.prompt_eval_duration;
    if (typeof o.eval_duration === 'number') c.eval_duration = o.eval_duration;
    if (typeof o.prompt_eval_count === 'number') c.prompt_eval_count = o.prompt_eval_count;
    if (typeof o.eval_count === 'number') c.eval_count = o.eval_count;
    if (typeof o.done_reason === 'string') c.done_reason = o.done_reason;
  }

  private readOpenAi(o: Json): void {
    const c = this.counters;
    // Chat/completions: `usage` on the body or on the last chunk (stream_options.include_usage).
    // Responses API: `response.usage` on `response.completed`. Messages API: `message.usage`
    // on `message_start` and `usage` on `message_delta`.
    const nested = (o.response ?? o.message) as Json | undefined;
    const usage = (o.usage ?? (nested !== null && typeof nested === 'object' ? nested.usage : undefined)) as
      | Json
      | undefined;
    if (usage !== null && typeof usage === 'object') {
      const prompt = usage.prompt_tokens ?? usage.input_tokens;
      const completion = usage.completion_tokens ?? usage.output_tokens;
      if (typeof prompt === 'number' && (prompt > 0 || c.prompt_eval_count === undefined)) c.prompt_eval_count = prompt;
      if (typeof completion === 'number' && (completion > 0 || c.eval_count === undefined)) c.eval_count = completion;
    }
    if (nested !== null && typeof nested === 'object' && typeof nested.model === 'string' && nested.model !== '') {
      this.model = nested.model;
    }
    const choices = o.choices;
    if (Array.isArray(choices) && choices.length > 0) {
      const reason = (choices[0] as Json | null)?.finish_reason;
      if (typeof reason === 'string' && reason !== '') {
        c.done_reason = reason;
        this.sawEnd = true;
      }
    }
    const delta = o.delta !== null && typeof o.delta === 'object' ? (o.delta as Json) : undefined;
    const stop = o.stop_reason ?? delta?.stop_reason;
    if (typeof stop === 'string' && stop !== '') {
      c.done_reason = stop;
      this.sawEnd = true;
    }
    if (o.type === 'response.completed' || o.type === 'message_stop') this.sawEnd = true;
  }
}

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (Array.isArray(value) && value.length > 0);
}

/** Whether one streamed object carries generated text, thinking or tool calls. */
export function carriesContent(o: Json): boolean {
  if (nonEmpty(o.response) || nonEmpty(o.thinking)) return true;
  const message = o.message as Json | undefined;
  if (message !== null && typeof message === 'object' && o.type === undefined) {
    if (nonEmpty(message.content) || nonEmpty(message.thinking) || nonEmpty(message.tool_calls)) return true;
  }
  const choices = o.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    const choice = choices[0] as Json | null;
    if (choice === null || typeof choice !== 'object') return false;
    if (nonEmpty(choice.text)) return true;
    const delta = choice.delta as Json | undefined;
    if (delta !== null && typeof delta === 'object') {
      return (
        nonEmpty(delta.content) ||
        nonEmpty(delta.reasoning) ||
        nonEmpty(delta.reasoning_content) ||
        nonEmpty(delta.tool_calls)
      );
    }
    return false;
  }
  if (o.type === 'response.output_text.delta' || o.type === 'response.reasoning_text.delta') return nonEmpty(o.delta);
  if (o.type === 'content_block_delta') {
    const delta = o.delta as Json | undefined;
    return (
      delta !== null &&
      typeof delta === 'object' &&
      (nonEmpty(delta.text) || nonEmpty(delta.thinking) || nonEmpty(delta.partial_json))
    );
  }
  return false;
}
