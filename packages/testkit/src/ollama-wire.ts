/**
 * The bodies a stand-in Ollama sends, shaped exactly as Ollama's server writes them
 * (docs/api.md, docs/openai.md): Go's field order, nanosecond durations, `omitempty`
 * (zero durations and counts are left out), NDJSON lines, SSE events on /v1.
 */

/** Tokens the stand-in generates: ASCII and 2-, 3- and 4-byte UTF-8 characters. */
export const TOKENS = ['Hello', ' wörld', ',', ' 日本語', ' 🦙', ' is', ' fast', '.'];

/** A fixed timestamp, so that two answers to the same request are byte-identical. */
export const CREATED_AT = '2026-11-27T10:00:00.123456789Z';
/** Fixed `created` of /v1 answers (epoch seconds). */
export const CREATED = 1_795_000_000;

/** The timings of one answer, in nanoseconds (0 = omitted). */
export interface AnswerTimings {
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
  total_duration: number;
}

/** Timings for a prompt of `promptChars` characters answered with `tokens` tokens. */
export function answerTimings(promptChars: number, tokens: number, loadNs: number): AnswerTimings {
  const promptTokens = Math.max(1, Math.ceil(promptChars / 4));
  const promptEval = promptTokens * 1_000_000; // 1 ms per prompt token: 1000 prompt tokens/s
  const evalNs = tokens * 20_000_000; // 20 ms per token: 50 tokens/s
  return {
    load_duration: loadNs,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptEval,
    eval_count: tokens,
    eval_duration: evalNs,
    total_duration: loadNs + promptEval + evalNs + 1_234_567,
  };
}

/** The generated text of `n` tokens. */
export function tokensOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => TOKENS[i % TOKENS.length] as string);
}

// Go's encoding/json with `omitempty` leaves zero values out entirely.
function omitEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== 0 && value !== undefined) out[key] = value;
  return out;
}

function finalFields(t: AnswerTimings): Record<string, unknown> {
  return omitEmpty({
    total_duration: t.total_duration,
    load_duration: t.load_duration,
    prompt_eval_count: t.prompt_eval_count,
    prompt_eval_duration: t.prompt_eval_duration,
    eval_count: t.eval_count,
    eval_duration: t.eval_duration,
  });
}

/** Lines of a native `/api/generate` (`chat: false`) or `/api/chat` answer. */
export function nativeLines(
  model: string,
  chat: boolean,
  tokens: string[],
  t: AnswerTimings,
  stream: boolean,
  doneReason = 'stop',
): string[] {
  const piece = (text: string) => (chat ? { message: { role: 'assistant', content: text } } : { response: text });
  const final = {
    model,
    created_at: CREATED_AT,
    ...piece(stream ? '' : tokens.join('')),
    done: true,
    done_reason: doneReason,
    ...(chat ? {} : { context: [1, 2, 3] }),
    ...finalFields(t),
  };
  // Go marshals struct fields in declaration order: done_reason follows done on chat too.
  if (!stream) return [JSON.stringify(final)];
  const lines = tokens.map((text) => JSON.stringify({ model, created_at: CREATED_AT, ...piece(text), done: false }));
  return [...lines, JSON.stringify(final)];
}

/** `/api/embed` body for `inputs` inputs. */
export function embedBody(model: string, inputs: number, t: AnswerTimings): string {
  const embeddings = Array.from({ length: inputs }, (_, i) => [0.010071029 + i, -0.0017594862, 0.05007221]);
  return JSON.stringify({
    model,
    embeddings,
    ...omitEmpty({
      total_duration: t.total_duration,
      load_duration: t.load_duration,
      prompt_eval_count: t.prompt_eval_count,
    }),
  });
}

/** Legacy `/api/embeddings` body: no timings at all. */
export function embeddingsBody(): string {
  return JSON.stringify({ embedding: [0.5670403838157654, 0.009260174818336964, 0.23178744316101074] });
}

/** SSE events of a streamed `/v1/chat/completions` or `/v1/completions` answer, `[DONE]` included. */
export function openAiStreamEvents(
  model: string,
  chat: boolean,
  tokens: string[],
  t: AnswerTimings,
  includeUsage: boolean,
): string[] {
  const base = chat
    ? { id: 'chatcmpl-429', object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_ollama' }
    : { id: 'cmpl-429', object: 'text_completion', created: CREATED, model, system_fingerprint: 'fp_ollama' };
  const choice = (text: string, finish: string | null) =>
    chat
      ? { index: 0, delta: { role: 'assistant', content: text }, finish_reason: finish }
      : { text, index: 0, finish_reason: finish };
  const events = tokens.map((text) => JSON.stringify({ ...base, choices: [choice(text, null)] }));
  events.push(JSON.stringify({ ...base, choices: [choice('', 'stop')] }));
  if (includeUsage) events.push(JSON.stringify({ ...base, choices: [], usage: usage(t) }));
  return [...events, '[DONE]'].map((data) => `data: ${data}\n\n`);
}

/** Non-streamed `/v1/chat/completions` or `/v1/completions` body. */
export function openAiBody(model: string, chat: boolean, tokens: string[], t: AnswerTimings): string {
  const text = tokens.join('');
  const choices = chat
    ? [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }]
    : [{ text, index: 0, finish_reason: 'stop' }];
  return JSON.stringify({
    id: chat ? 'chatcmpl-429' : 'cmpl-429',
    object: chat ? 'chat.completion' : 'text_completion',
    created: CREATED,
    model,
    system_fingerprint: 'fp_ollama',
    choices,
    usage: usage(t),
  });
}

/** `/v1/embeddings` body. */
export function openAiEmbeddingsBody(model: string, inputs: number, t: AnswerTimings): string {
  return JSON.stringify({
    object: 'list',
    data: Array.from({ length: inputs }, (_, index) => ({ object: 'embedding', embedding: [0.1, -0.2, 0.3], index })),
    model,
    usage: { prompt_tokens: t.prompt_eval_count, total_tokens: t.prompt_eval_count },
  });
}

function usage(t: AnswerTimings) {
  return {
    prompt_tokens: t.prompt_eval_count,
    completion_tokens: t.eval_count,
    total_tokens: t.prompt_eval_count + t.eval_count,
  };
}

/** An error body: native `{"error":"…"}`, or OpenAI-style on /v1. */
export function errorBody(message: string, openAi: boolean): string {
  return openAi
    ? JSON.stringify({ error: { message, type: 'api_error', param: null, code: null } })
    : JSON.stringify({ error: message });
}
