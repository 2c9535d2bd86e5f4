/** The rollup blob's version: written first, checked from one byte, and the reader refuses every other one. */
import { describe, expect, it } from 'vitest';
import { RollupAggregate } from './aggregate.js';
import { decodeRollupInto, encodeRollup, isCurrentRollup, ROLLUP_FORMAT_VERSION } from './rollup-codec.js';

const blob = encodeRollup(new RollupAggregate());
const withVersion = (version: number) => Uint8Array.from([version, ...blob.subarray(1)]);

describe('rollup blob version', () => {
  it('starts every blob, and a blob of it is read', () => {
    expect(blob[0]).toBe(ROLLUP_FORMAT_VERSION);
    expect(isCurrentRollup(blob)).toBe(true);
    expect(() => decodeRollupInto(blob)).not.toThrow();
  });

  it.each([
    ['older', ROLLUP_FORMAT_VERSION - 1],
    ['newer', ROLLUP_FORMAT_VERSION + 1],
    ['garbage', 0xff],
  ])('tells an %s version apart, which the reader refuses', (_, version) => {
    expect(isCurrentRollup(withVersion(version))).toBe(false);
    expect(() => decodeRollupInto(withVersion(version))).toThrow(RangeError);
  });

  it('tells an empty blob apart', () => {
    expect(isCurrentRollup(new Uint8Array(0))).toBe(false);
  });
});
