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
    for (const file of files) {
      const res = await SELF.fetch(`http://gateway.test${file}`);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(500);
    }
    expect(html).not.toMatch(/https?:\/\//);
  });
});
