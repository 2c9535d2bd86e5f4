/** The rollup blob's version and framing: checked without decoding; the reader refuses every other version. */
import { describe, expect, it } from 'vitest';
import { RollupAggregate } from './aggregate.js';
import { decodeRollupInto, encodeRollup, isCurrentRollup, ROLLUP_FORMAT_VERSION } from './rollup-codec.js';
import { record } from './test-support/records.js';

const figures = new RollupAggregate();
figures.add(record({ latency_ms: 812 }));
const blob = encodeRollup(figures);
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

  it.each([
    ['empty', new Uint8Array(0)],
    ['cut short', blob.subarray(0, blob.length - 1)],
    ['with a byte too many', Uint8Array.from([...blob, 0])],
    ['of the version alone', Uint8Array.from([ROLLUP_FORMAT_VERSION])],
  ])('tells a blob %s apart', (_, bytes) => {
    expect(isCurrentRollup(bytes)).toBe(false);
  });
});
