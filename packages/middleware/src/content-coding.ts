/**
 * Which compression a response body is in, from its `Content-Encoding` and its first bytes.
 * Both runtimes' decoders (`decode-web.ts`, `decode-node.ts`) start here, so they agree on
 * what they decompress and what they leave alone.
 */

/** A compression the capture can undo (runtime permitting). */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

/**
 * The coding named by a `Content-Encoding` header: `null` for none (or `identity`), a
 * {@link ContentCoding}, or `'unsupported'` for any other value or for stacked codings.
 *
 * @example
 * contentCodingOf('gzip'); // 'gzip'
 */
export function contentCodingOf(header: string | null | undefined): ContentCoding | 'unsupported' | null {
  const codings = (header ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return null;
  if (codings.length > 1) return 'unsupported';
  const coding = codings[0];
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'deflate' || coding === 'br') return coding;
  return 'unsupported';
}

/**
 * Whether a body labelled `coding` really starts compressed. `fetch` (undici on Node, and
 * Workers) hands over a gzip or deflate body already decoded while keeping the header; a
 * gzip member starts with 1f 8b and a zlib stream with a valid CMF/FLG pair, which no JSON
 * or SSE text does. Brotli has no signature: it is taken at its word. Needs two bytes.
 */
export function startsEncoded(coding: ContentCoding, first: Uint8Array): boolean {
  const a = first[0] ?? 0;
  const b = first[1] ?? 0;
  if (coding === 'gzip') return a === 0x1f && b === 0x8b;
  if (coding === 'deflate') return (a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0;
  return true;
}
