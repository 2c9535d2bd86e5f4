/** cutAt(): chunks that join back to the input, cut exactly where asked. */
import { describe, expect, it } from 'vitest';
import { cutAt, cutRandomly, seededRandom } from './random.js';

const text = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString());

describe('cutAt', () => {
  it.each([
    [[], ['abcdef']],
    [
      [2, 4],
      ['ab', 'cd', 'ef'],
    ],
    [
      [4, 2, 2, 4],
      ['ab', 'cd', 'ef'],
    ],
    [[0, 6, 99, -3], ['abcdef']],
    [
      [1, 2, 3, 4, 5],
      ['a', 'b', 'c', 'd', 'e', 'f'],
    ],
  ])('cuts at %j', (offsets, chunks) => {
    expect(text(cutAt(Buffer.from('abcdef'), offsets))).toEqual(chunks);
  });

  it('gives Buffer chunks for a Buffer', () => {
    expect(cutAt(Buffer.from('abc'), [1]).every((c) => Buffer.isBuffer(c))).toBe(true);
  });

  it('joins back to the input for random cuts', () => {
    const bytes = Buffer.from('Hello wörld, 日本語 🦙');
    for (let seed = 1; seed <= 50; seed++) {
      const chunks = cutRandomly(bytes, seededRandom(seed), 8);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(chunks.every((c) => c.length > 0)).toBe(true);
    }
  });
});
