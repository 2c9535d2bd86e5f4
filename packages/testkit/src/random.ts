/**
 * Chunkings of bytes: at given offsets, or at random ones from a small seeded PRNG
 * (mulberry32) so that a failing chunking can be replayed from its seed.
 */

/** Returns a function giving uniform floats in [0, 1), determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` into chunks at random offsets — mid-line, mid UTF-8 character, anywhere. */
export function cutRandomly(bytes: Uint8Array, random: () => number, maxChunks: number): Uint8Array[] {
  if (bytes.length <= 1 || maxChunks <= 1) return [bytes];
  const cuts: number[] = [];
  const wanted = 1 + Math.floor(random() * (maxChunks - 1));
  for (let i = 0; i < wanted; i++) cuts.push(1 + Math.floor(random() * (bytes.length - 1)));
  return cutAt(bytes, cuts);
}

/**
 * Cuts `bytes` at the given offsets (in any order; repeated ones and ones outside the bytes
 * are ignored). No chunk is empty; a `Buffer` gives `Buffer` chunks.
 *
 * @example
 * cutAt(Buffer.from('abcdef'), [4, 2, 2, 99]); // ['ab', 'cd', 'ef']
 */
export function cutAt<Bytes extends Uint8Array>(bytes: Bytes, offsets: readonly number[]): Bytes[] {
  const cuts = [...new Set(offsets.map((o) => Math.max(0, Math.min(bytes.length, o))))].sort((a, b) => a - b);
  const chunks: Bytes[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) chunks.push(bytes.subarray(start, cut) as Bytes);
    start = Math.max(start, cut);
  }
  return chunks;
}
