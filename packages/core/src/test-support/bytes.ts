/** Test helpers: UTF-8 bytes and ways to cut them into chunks. */

// Declared locally for the same reason as TextDecoder in line-splitter.ts: core compiles without DOM types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Cuts bytes at the given offsets (sorted, deduplicated, clipped to the length). */
export function cutAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.map((o) => Math.max(0, Math.min(bytes.length, o))))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) chunks.push(bytes.subarray(start, cut));
    start = Math.max(start, cut);
  }
  return chunks;
}
