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

/** The data path's own view of a stream's pace (record fields `output_chunks`, `decode_ms`). */
export interface StreamTiming {
  /** Objects that carried generated content (text, thinking or tool calls). */
  output_chunks: number;
  /** Time from the first to the last of them, ms; `null` when there was none. */
  decode_ms: number | null;
}

type Json = Record<string, unknown>;

/**
 * Accumulates model, timings, token usage, finish reason and in-band errors from the
 * objects of one response.
 *
 * @example
 * const observer = new ResponseObserver();
 * for (const line of lines) if (observer.observe(line, now())) ttft = now();
 * observer.timings({ coldStartMs: 500 });
 * observer.streamTiming(); // { output_chunks: 12, decode_ms: 230.5 }
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
  private contentObjects = 0;
  private firstContentAt = 0;
  private lastContentAt = 0;

  /**
   * Feeds one parsed object, seen at time `at` (ms on any clock the caller keeps; core has
   * none). Returns `true` exactly once: for the first object that carries generated content
   * (what time to first token measures).
   */
  observe(value: unknown, at = 0): boolean {
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
    if (!carriesContent(o)) return false;
    this.contentObjects++;
    this.lastContentAt = at;
    if (this.sawContent) return false;
    this.firstContentAt = at;
    this.sawContent = true;
    return true;
  }

  /**
   * Counts one content-carrying object seen at `at` that the caller did not parse (it told so
   * from the text: {@link contentOfText}). Only after the first content was observed.
   */
  countContent(at: number): void {
    if (!this.sawContent) return;
    this.contentObjects++;
    this.lastContentAt = at;
  }

  /**
   * How many objects carried content, and the time between the first and the last of them
   * (by the `at` each was observed with): what the data path saw of the stream's pace.
   */
  streamTiming(): StreamTiming {
    return {
      output_chunks: this.contentObjects,
      decode_ms: this.contentObjects === 0 ? null : Math.max(0, this.lastContentAt - this.firstContentAt),
    };
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

// A key that carries content, then a non-empty string or array: compact or spaced JSON alike.
const MAY_CARRY_CONTENT =
  /"(?:response|thinking|content|tool_calls|text|reasoning|reasoning_content|delta|partial_json)"\s*:\s*(?:"[^"]|\[\s*[^\]\s])/;

// Events of the Responses and Messages APIs name their type; their text fields are not all deltas.
const TYPED = /"type"\s*:/;

/**
 * Whether a line of JSON text carries content, told without parsing it where that is exact:
 * `false` only when {@link carriesContent} would say `false` of the parsed line (so a reader may
 * leave such lines unparsed and still count every content chunk); for a line without a `type`
 * (native NDJSON, chat-completion chunks) `true` as it would say; for a typed event (Responses,
 * Messages APIs) that may carry content, `null`: parse it.
 *
 * @example
 * contentOfText('{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}') // true
 * contentOfText('{"type":"response.output_text.done","text":"Hi"}') // null
 */
export function contentOfText(text: string): boolean | null {
  if (!MAY_CARRY_CONTENT.test(text)) return false;
  return TYPED.test(text) ? null : true;
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
