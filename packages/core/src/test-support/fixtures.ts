/**
 * Ollama wire payloads as its API documentation shows them (docs/api.md and
 * docs/openai.md in ollama/ollama), used as fixtures by the core tests.
 */

/** Final `done: true` line of a streamed `/api/generate` (a cold load: 6.3 s). */
export const GENERATE_FINAL =
  '{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","response":"","done":true,"done_reason":"stop","context":[1,2,3],"total_duration":10706818083,"load_duration":6338219291,"prompt_eval_count":26,"prompt_eval_duration":130079000,"eval_count":259,"eval_duration":4232710000}';

/** Final `done: true` line of a streamed `/api/chat` (warm: 1.3 ms load). */
export const CHAT_FINAL =
  '{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}';

/** A streamed `/api/chat` content line. */
export const CHAT_CHUNK =
  '{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false}';

/** `/api/embed` response: no eval fields, no prompt_eval_duration. */
export const EMBED_BODY =
  '{"model":"all-minilm","embeddings":[[0.010071029,-0.0017594862,0.05007221]],"total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8}';

/** Legacy `/api/embeddings` response: no timings at all. */
export const EMBEDDINGS_BODY = '{"embedding":[0.5670403838157654,0.009260174818336964,0.23178744316101074]}';

/** Error body of a request for a model that is not pulled (HTTP 404). */
export const MODEL_NOT_FOUND_BODY = '{"error":"model \\"llama9\\" not found, try pulling it first"}';

/** An error line in the middle of an NDJSON stream (HTTP status already 200). */
export const MID_STREAM_ERROR = '{"error":"an error was encountered while running the model: unexpected EOF"}';

/** `/v1/chat/completions` streamed with `stream_options.include_usage`: content, finish, usage, [DONE]. */
export const OPENAI_SSE_STREAM = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1720000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Héllo"},"finish_reason":null}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1720000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1720000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

/** Non-streamed `/v1/chat/completions` body. */
export const OPENAI_CHAT_BODY =
  '{"id":"chatcmpl-2","object":"chat.completion","created":1720000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22}}';

/** An OpenAI-style error body as `/v1/*` returns it. */
export const OPENAI_ERROR_BODY =
  '{"error":{"message":"model \\"gpt-x\\" not found, try pulling it first","type":"api_error","param":null,"code":null}}';
