/**
 * Decompression with Node's zlib (gzip, deflate, br), for the Node data paths: the
 * gateway's `node-proxy.ts` and the Express adapter. zlib works on libuv's thread pool,
 * so decompressing the capture's copy does not hold up the proxy's event loop.
 */
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ContentCoding } from './content-coding.js';
import type { Inflater } from './decoding-observer.js';

/**
 * An {@link Inflater} over a zlib stream.
 *
 * @example
 * decodingObserver(answer.headers['content-encoding'], capture, nodeInflater);
 */
export function nodeInflater(coding: ContentCoding, output: (bytes: Uint8Array) => void): Inflater {
  const zlib = coding === 'gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : createBrotliDecompress();
  let failure: unknown;
  const settled = new Promise<void>((resolve, reject) => {
    zlib.once('end', resolve);
    zlib.once('error', (error) => {
      failure = error;
      reject(error);
    });
  });
  settled.catch(() => {}); // reported through end()
  zlib.on('data', output);
  return {
    write(bytes) {
      if (failure === undefined && !zlib.destroyed) zlib.write(bytes);
    },
    end() {
      if (failure === undefined && !zlib.destroyed) zlib.end();
      return settled;
    },
  };
}
