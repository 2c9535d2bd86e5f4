/** core must run anywhere: zod is its only dependency and it never reaches for I/O or a clock. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const sources = readdirSync(new URL('src/', root), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-support'))
  .map((f) => ({ file: f, text: readFileSync(new URL(`src/${f}`, root), 'utf8') }));

describe('@ollama-perf/core purity', () => {
  it('depends on zod alone', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { dependencies: object };
    expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
  });

  it.each([
    ['Date.now(', /\bDate\.now\(/],
    ['new Date()', /new Date\(\)/],
    ['performance', /\bperformance\./],
    ['Math.random', /Math\.random/],
    ['process', /\bprocess\./],
    ['node: imports', /from 'node:/],
    ['fetch', /\bfetch\(/],
    ['globalThis', /globalThis/],
  ])('never uses %s', (_, pattern) => {
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => pattern.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
