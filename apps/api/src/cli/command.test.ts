/** Shared CLI plumbing: colour decision and usage errors. */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError, usageErrors, wantsColor } from './command.js';

const stream = (isTTY: boolean) => ({ isTTY, write: () => true, once: () => undefined });

describe('wantsColor', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
  ])('terminal %s, env %j → %s', (isTTY, env, expected) => {
    expect(wantsColor(stream(isTTY), env)).toBe(expected);
  });
});

describe('usageErrors', () => {
  it('turns parseArgs complaints into usage errors without the positional-argument lecture', () => {
    const error = (() => {
      try {
        usageErrors(() => parseArgs({ args: ['--nope'], options: {}, strict: true }));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe("Unknown option '--nope'");
  });
});
