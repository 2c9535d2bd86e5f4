/** uuidv7(): RFC 9562 layout, time order, uniqueness. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from './uuid.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_MS = 2 ** 48 - 1;

/** The Unix milliseconds in the first 48 bits. */
function msOf(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10xx, lowercase hex', () => {
    for (let i = 0; i < 1000; i++) expect(uuidv7()).toMatch(UUID_V7);
  });

  it('carries the time it was given in its first 48 bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS }), (ms) => {
        const id = uuidv7(ms);
        expect(id).toMatch(UUID_V7);
        expect(msOf(id)).toBe(ms);
      }),
    );
    expect(uuidv7(0).startsWith('00000000-0000-7')).toBe(true);
    expect(uuidv7(MAX_MS).startsWith('ffffffff-ffff-7')).toBe(true);
    expect(msOf(uuidv7(1_795_000_000_123.9))).toBe(1_795_000_000_123);
    expect(msOf(uuidv7(-5))).toBe(0);
  });

  it('defaults to the current time', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(msOf(id)).toBeGreaterThanOrEqual(before);
    expect(msOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts (as a string) by time for increasing milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS - 1 }), fc.integer({ min: 1, max: 2 ** 40 }), (ms, step) => {
        const later = Math.min(MAX_MS, ms + step);
        expect(uuidv7(ms) < uuidv7(later)).toBe(true);
      }),
    );
    const ids = Array.from({ length: 100 }, (_, i) => uuidv7(1_795_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats over 10,000 ids, even within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => uuidv7(i < 5000 ? now : undefined)));
    expect(ids.size).toBe(10_000);
  });
});
