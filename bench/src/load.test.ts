import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, timedRequest } from './load.js';

let server: Server;
let url: string;
const seen: string[] = [];
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(body);
      setTimeout(() => {
        inFlight--;
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
        res.end('hello');
      }, 2);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad', () => {
  it('sends exactly maxRequests sequentially, with sane figures', async () => {
    maxInFlight = 0;
    const run = await runLoad({ url: `${url}/x`, maxRequests: 20 });
    expect(run).toMatchObject({ requests: 20, errors: 0, bytes: 100 });
    expect(maxInFlight).toBe(1);
    expect(run.requestsPerSecond).toBeGreaterThan(0);
    expect(run.latency.p50).toBeGreaterThan(0);
    expect(run.latency.p99).toBeGreaterThanOrEqual(run.latency.p50);
    expect(run.ttfb.p50).toBeLessThanOrEqual(run.latency.max);
  });

  it('keeps N requests in flight and gives each its own body', async () => {
    maxInFlight = 0;
    seen.length = 0;
    const run = await runLoad({
      url: `${url}/x`,
      concurrency: 8,
      maxRequests: 40,
      warmupRequests: 8,
      body: (i) => `#${i}`,
    });
    expect(run.requests).toBe(40);
    expect(maxInFlight).toBe(8);
    expect(new Set(seen).size).toBe(48);
  });

  it('stops at the deadline', async () => {
    const run = await runLoad({ url: `${url}/x`, durationMs: 100, concurrency: 2 });
    expect(run.requests).toBeGreaterThan(0);
    expect(run.elapsedMs).toBeLessThan(1000);
  });

  it('stops once told to', async () => {
    let sent = 0;
    const run = await runLoad({ url: `${url}/x`, body: () => `${sent++}`, until: () => sent >= 5 });
    expect(run.requests).toBe(5);
  });

  it('counts an unexpected status as an error', async () => {
    const run = await runLoad({ url: `${url}/missing`, maxRequests: 3 });
    expect(run).toMatchObject({ requests: 0, errors: 3, firstError: 'status 404' });
  });

  it('refuses anything but 127.0.0.1 and an unbounded run', async () => {
    await expect(runLoad({ url: 'http://example.com/', maxRequests: 1 })).rejects.toThrow(/127\.0\.0\.1/);
    await expect(runLoad({ url: `${url}/x` })).rejects.toThrow(/maxRequests, durationMs or until/);
  });

  it('timedRequest returns the body', async () => {
    const response = await timedRequest({ url: `${url}/x` });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello');
    expect(response.latencyMs).toBeGreaterThan(0);
  });
});
