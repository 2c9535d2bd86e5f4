/** presentsToken(): which Authorization values present the gateway token (those never go to Ollama). */
import { describe, expect, it } from 'vitest';
import { presentsToken } from './gateway-token.js';

describe('presentsToken', () => {
  it.each([
    ['Bearer s3cret', 's3cret', true],
    ['bearer s3cret', 's3cret', true],
    ['Bearer   s3cret', 's3cret', true],
    ['Bearer s3cre', 's3cret', false],
    ['Bearer s3cret2', 's3cret', false],
    ['Bearer S3CRET', 's3cret', false],
    ['Basic s3cret', 's3cret', false],
    ['s3cret', 's3cret', false],
    [null, 's3cret', false],
    ['Bearer s3cret', undefined, false],
    ['Bearer ', '', false],
  ] as const)('%j presents %j: %s', (authorization, token, expected) => {
    expect(presentsToken(authorization, token)).toBe(expected);
  });
});
