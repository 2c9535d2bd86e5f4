/**
 * Compressed answers for the stand-in Ollama: what Ollama behind nginx (`gzip on`) or a
 * compressing proxy sends, and a corrupt gzip body for the failure path.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** How the stand-in compresses its answers. `corrupt-gzip`: a gzip header followed by garbage. */
export type StandInCompression = 'none' | 'gzip' | 'deflate' | 'br' | 'corrupt-gzip';

/** The `Content-Encoding` header value for `compression`, or `null` for none. */
export function contentEncodingOf(compression: StandInCompression): string | null {
  if (compression === 'none') return null;
  return compression === 'corrupt-gzip' ? 'gzip' : compression;
}

/** `body` compressed as `compression` says. */
export function compress(compression: StandInCompression, body: Buffer): Buffer {
  if (compression === 'gzip') return gzipSync(body);
  if (compression === 'deflate') return deflateSync(body);
  if (compression === 'br') return brotliCompressSync(body);
  if (compression === 'corrupt-gzip') {
    // A valid 10-byte member header, then a deflate block of the reserved type 3: zlib refuses it.
    return Buffer.concat([gzipSync(Buffer.alloc(0)).subarray(0, 10), Buffer.alloc(Math.max(16, body.length), 0xff)]);
  }
  return body;
}
