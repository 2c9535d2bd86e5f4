/** The Workers build serves the same dashboard page and files as Node, from memory. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('dashboard on Workers', () => {
  it('serves the page and every file it loads', async () => {
    const page = await SELF.fetch('http://gateway.test/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const files = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(files.sort()).toEqual([
      '/dashboard/dashboard.css',
      '/dashboard/dashboard.js',
      '/dashboard/uplot.css',
      '/dashboard/uplot.js',
    ]);
    // dashboard.js is an ES module: every module it imports, and theirs, is served too.
    const seen = new Set<string>();
    while (files.length > 0) {
      const file = files.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const res = await SELF.fetch(`http://gateway.test${file}`);
      expect(res.status, file).toBe(200);
      const text = await res.text();
      expect(text.length).toBeGreaterThan(500);
      if (file.endsWith('.js') && !file.endsWith('uplot.js'))
        for (const [, name] of text.matchAll(/from '\.\/([\w-]+\.js)'/g)) files.push(`/dashboard/${name}`);
    }
    expect(seen.size).toBeGreaterThan(8);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
