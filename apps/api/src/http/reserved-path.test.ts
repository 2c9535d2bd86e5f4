/** The path reserved routes are matched on, and which paths are reserved. */
import { describe, expect, it } from 'vitest';
import { isReservedPath, routedPath } from './reserved-path.js';

describe('routedPath', () => {
  it.each([
    ['/stats', '/stats'],
    ['//stats', '/stats'],
    ['///metrics//', '/metrics/'],
    ['/stats//hf.co//org/repo:Q4', '/stats/hf.co/org/repo:Q4'],
    ['/api/chat', '/api/chat'],
  ])('%s → %s', (path, routed) => {
    expect(routedPath(path)).toBe(routed);
  });
});

describe('isReservedPath', () => {
  it.each([
    ['/stats', true],
    ['//stats', true],
    ['/stats/llama3.2', true],
    ['///healthz', true],
    ['//ingest/', true],
    ['/dashboard', true],
    ['/statsx', false],
    ['/STATS', false],
    ['/api/chat', false],
    ['/', false],
  ])('%s: %s', (path, reserved) => {
    expect(isReservedPath(path)).toBe(reserved);
  });
});
