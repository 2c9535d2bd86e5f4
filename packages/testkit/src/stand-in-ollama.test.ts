import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandIn, startStandInOllama } from './stand-in-ollama.js';

let ollama: StandIn;
beforeAll(async () => {
  ollama = await startStandInOllama({ maxChunks: 40 });
});
afterAll(() => ollama.close());

describe('stand-in Ollama', () => {
  it('streams /api/chat as NDJSON the ollama client reads, cold first and warm after', async () => {
    const client = new Ollama({ host: ollama.url });
    const first = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const parts = [];
    for await (const part of first) parts.push(part);
    expect(parts.map((p) => p.message.content).join('')).toBe('Hello wörld, 日本語 🦙 is fast.');
    expect(parts.at(-1)).toMatchObject({
      done: true,
      load_duration: 2_500_000_000,
      eval_count: 8,
      eval_duration: 160_000_000,
    });
    const warm = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(warm).not.toHaveProperty('load_duration'); // omitempty
    expect(warm.message.content).toBe('Hello wörld, 日本語 🦙 is fast.');
  });

  it('cuts streams mid UTF-8 character', async () => {
    ollama.configure({ maxChunks: 100, chunkDelayMs: 1 });
    const res = await fetch(`${ollama.url}/api/generate`, {
      method: 'POST',
      body: '{"model":"llama3.2","prompt":"x"}',
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    ollama.configure({ maxChunks: 40, chunkDelayMs: 0 });
    const splitsInside = chunks.slice(1).filter((c) => (c[0] as number) >= 0x80 && (c[0] as number) < 0xc0).length;
    expect(chunks.length).toBeGreaterThan(20);
    expect(splitsInside).toBeGreaterThan(0);
  });

  it('answers errors as Ollama does', async () => {
    const missing = await fetch(`${ollama.url}/api/chat`, { method: 'POST', body: '{"model":"nope"}' });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: 'model "nope" not found, try pulling it first' },
    ]);
    const busy = await fetch(`${ollama.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"busy"}' });
    expect(busy.status).toBe(503);
    expect(await busy.json()).toMatchObject({ error: { message: expect.stringContaining('server busy') } });
    const text = await (
      await fetch(`${ollama.url}/api/generate`, { method: 'POST', body: '{"model":"midstream-error"}' })
    ).text();
    expect(text.trim().split('\n').at(-1)).toBe(
      '{"error":"an error was encountered while running the model: unexpected EOF"}',
    );
  });

  it('refuses a non-local Host header with 403', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request(`${ollama.url}/api/tags`, { headers: { host: 'example.com' } }, (res) =>
        resolve(res.statusCode ?? 0),
      ).end();
    });
    expect(status).toBe(403);
  });

  it('streams /v1/chat/completions as SSE with a usage chunk when asked', async () => {
    const res = await fetch(`${ollama.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', stream: true, stream_options: { include_usage: true }, messages: [] }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).toContain('"usage":{"prompt_tokens"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
