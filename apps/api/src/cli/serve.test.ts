/** `serve --help`: every setting with its flag, environment variable and default. */
import { expect, it } from 'vitest';
import { SETTINGS } from '../config.js';
import { serveUsage } from './serve.js';

it('lists every setting with its flag, environment variable and default', () => {
  const help = serveUsage();
  expect(help).toMatch(/^Usage: ollama-perf serve \[options\]\n/);
  for (const setting of SETTINGS) {
    const line = help.split('\n').find((l) => l.startsWith(`  --${setting.flag} `));
    expect(line).toContain(` ${setting.env} `);
    expect(line).toContain(setting.help);
    if (setting.fallback !== undefined) expect(line?.endsWith(`(default ${setting.fallback})`)).toBe(true);
  }
  expect(help).toContain('  --port             PORT            port to listen on (default 11435)\n');
  expect(help.endsWith('  --help             show this help\n')).toBe(true);
});
