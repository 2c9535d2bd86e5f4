/**
 * The `model` named in a request body, read off a copy so the handler still gets the
 * whole body. Only a prefix is read: clients put `model` first, and a prompt of
 * megabytes (images, long contexts) must not be parsed twice.
 */

const PREFIX_BYTES = 16 * 1024;
const MODEL_FIELD = /"model"\s*:\s*"((?:[^"\\]|\\.){1,512})"/;

/** Finds the model in a request body fed chunk by chunk; see {@link modelScanner}. */
export interface ModelScanner {
  /**
   * Feeds the next chunk of the body. Returns the model once found, `null` once the
   * prefix has been read without finding one, `undefined` while it needs more.
   */
  push(bytes: Uint8Array): string | null | undefined;
}

/**
 * A scanner for the `model` of a JSON request body seen as chunks pass (a Node request
 * piped to the upstream, a teed Web stream). Stops after a 16 KiB prefix.
 *
 * @example
 * const scanner = modelScanner();
 * req.on('data', (chunk) => { const model = scanner.push(chunk); if (model !== undefined) done(model); });
 */
export function modelScanner(): ModelScanner {
  const decoder = new TextDecoder();
  let text = '';
  return {
    push(bytes) {
      text += decoder.decode(bytes, { stream: true });
      const match = MODEL_FIELD.exec(text);
      if (match !== null) {
        try {
          return JSON.parse(`"${match[1]}"`) as string;
        } catch {
          return null;
        }
      }
      return text.length < PREFIX_BYTES ? undefined : null;
    },
  };
}

/**
 * Reads the model from a JSON request without consuming it (`request.clone()` tees the
 * body). Resolves to `null` when the body is absent, not JSON or names no model early on.
 */
export async function modelOfRequest(request: Request): Promise<string | null> {
  if (request.body === null || request.bodyUsed) return null;
  const copy = request.clone().body;
  if (copy === null) return null;
  const reader = copy.getReader();
  const scanner = modelScanner();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      const model = scanner.push(value);
      if (model !== undefined) return model;
    }
  } catch {
    return null;
  } finally {
    // Cancelling our branch of the tee leaves the handler's branch untouched.
    reader.cancel().catch(() => undefined);
  }
}
