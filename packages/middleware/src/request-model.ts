/**
 * The `model` named in a request body, read off a copy so the handler still gets the
 * whole body. Only a prefix is read: clients put `model` first, and a prompt of
 * megabytes (images, long contexts) must not be parsed twice.
 */

const PREFIX_BYTES = 16 * 1024;
const MODEL_FIELD = /"model"\s*:\s*"((?:[^"\\]|\\.){1,512})"/;

/**
 * Reads the model from a JSON request without consuming it (`request.clone()` tees the
 * body). Resolves to `null` when the body is absent, not JSON or names no model early on.
 */
export async function modelOfRequest(request: Request): Promise<string | null> {
  if (request.body === null || request.bodyUsed) return null;
  const copy = request.clone().body;
  if (copy === null) return null;
  const reader = copy.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < PREFIX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const match = MODEL_FIELD.exec(text);
      if (match !== null) return JSON.parse(`"${match[1]}"`) as string;
    }
    return null;
  } catch {
    return null;
  } finally {
    // Cancelling our branch of the tee leaves the handler's branch untouched.
    reader.cancel().catch(() => undefined);
  }
}
