/**
 * Decompression with Web streams (`DecompressionStream`), for the Web-standard capture:
 * Hono on Node, Workers, Bun, Deno. gzip and deflate exist everywhere; `br` only where
 * the runtime offers it — elsewhere a br body is left unread.
 */
import type { ContentCoding } from './content-coding.js';
import type { Inflater } from './decoding-observer.js';

/**
 * An {@link Inflater} over `DecompressionStream`, or `null` when the runtime has none
 * for `coding`.
 *
 * @example
 * decodingObserver(res.headers.get('content-encoding'), capture, webInflater);
 */
export function webInflater(coding: ContentCoding, output: (bytes: Uint8Array) => void): Inflater | null {
  let stream: DecompressionStream;
  try {
    // Typed for gzip/deflate only; a runtime without `br` throws here.
    stream = new DecompressionStream(coding as 'gzip');
  } catch {
    return null;
  }
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Read as fast as it decompresses, so what is queued stays one chunk or so.
  const drained = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      output(value as Uint8Array);
    }
  })();
  drained.catch(() => {}); // reported through end()
  const ignore = () => {};
  return {
    // A copy: the caller's chunk also goes to the client, and a stream may take hold of what it is given.
    write: (bytes) => void writer.write(bytes.slice()).catch(ignore),
    end() {
      writer.close().catch(ignore);
      return drained;
    },
  };
}
