import { describe, expect, it } from 'vitest';
import { errorMessageOf, errorTypeForStatus, truncateMessage } from './error-type.js';
import { canonicalEndpoint, operationForPath } from './operation.js';
import { ERROR_MESSAGE_MAX } from './schema.js';
import { MODEL_NOT_FOUND_BODY, OPENAI_ERROR_BODY } from './test-support/fixtures.js';

describe('operationForPath', () => {
  it.each([
    ['/api/generate', 'generate'],
    ['/v1/completions', 'generate'],
    ['/api/chat', 'chat'],
    ['/v1/chat/completions', 'chat'],
    ['/v1/responses', 'chat'],
    ['/v1/messages', 'chat'],
    ['/api/embed', 'embed'],
    ['/api/embeddings', 'embed'],
    ['/v1/embeddings', 'embed'],
    ['/api/chat/', 'chat'],
    ['/api/chat?verbose=1', 'chat'],
    ['/ollama/api/generate', 'generate'],
    ['/api/tags', null],
    ['/api/ps', null],
    ['/api/pull', null],
    ['/api/show', null],
    ['/v1/models', null],
    ['/', null],
    ['/api/chatty', null],
  ] as const)('%s → %s', (path, expected) => {
    expect(operationForPath(path)).toBe(expected);
  });

  it('canonicalizes the recorded endpoint', () => {
    expect(canonicalEndpoint('/api/chat/?a=1#x')).toBe('/api/chat');
    expect(canonicalEndpoint('/')).toBe('/');
  });
});

describe('errorTypeForStatus', () => {
  it.each([
    [200, null],
    [399, null],
    [400, 'bad_request'],
    [401, 'bad_request'],
    [404, 'not_found'],
    [408, 'upstream_timeout'],
    [413, 'bad_request'],
    [499, 'client_aborted'],
    [500, 'upstream_error'],
    [502, 'upstream_error'],
    [503, 'upstream_busy'],
    [504, 'upstream_timeout'],
  ] as const)('%i → %s', (status, expected) => {
    expect(errorTypeForStatus(status)).toBe(expected);
  });

  it('classifies a missing model by its message whatever the status', () => {
    expect(errorTypeForStatus(404, 'model "x" not found, try pulling it first')).toBe('model_not_found');
    expect(errorTypeForStatus(404, "model 'x' not found")).toBe('model_not_found');
    expect(errorTypeForStatus(400, 'model "x" not found, try pulling it first')).toBe('model_not_found');
    expect(errorTypeForStatus(200, 'model "x" not found')).toBeNull();
  });
});

describe('errorMessageOf', () => {
  it('reads native and OpenAI-style error bodies', () => {
    expect(errorMessageOf(JSON.parse(MODEL_NOT_FOUND_BODY))).toBe('model "llama9" not found, try pulling it first');
    expect(errorMessageOf(JSON.parse(OPENAI_ERROR_BODY))).toBe('model "gpt-x" not found, try pulling it first');
    expect(errorMessageOf({ error: { code: 7 } })).toBe('{"code":7}');
    expect(errorMessageOf({ ok: true })).toBeNull();
    expect(errorMessageOf('error')).toBeNull();
  });

  it(`cuts messages to ${ERROR_MESSAGE_MAX} characters without splitting a surrogate pair`, () => {
    expect(errorMessageOf({ error: 'x'.repeat(2000) })).toHaveLength(ERROR_MESSAGE_MAX);
    const cut = truncateMessage(`${'x'.repeat(ERROR_MESSAGE_MAX - 1)}🦙`);
    expect(cut).toBe('x'.repeat(ERROR_MESSAGE_MAX - 1));
  });
});
