/** jsonlFileSink() on the real file system, in a fresh temporary directory per test. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EMPTY_TIMINGS, type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import { record as aRecord } from '@ollama-perf/testkit';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support.js';
import { ollamaMetrics } from '../ollama-metrics.js';
import { uuidv7 } from '../uuid.js';
import { jsonlFileSink } from './jsonl-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ollama-perf-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let sequence = 0;
/** A failed, non-streamed generate record with a fresh id and an error message full of escapes. */
function record(fields: Partial<RequestMetric> = {}): RequestMetric {
  return requestMetricSchema.parse(
    aRecord({
      id: uuidv7(),
      ts: 1_795_000_000_000 + sequence++,
      model: 'hf.co/org/repo:Q4_K_M',
      operation: 'generate',
      endpoint: '/api/generate',
      project: 'alpha',
      status: 404,
      success: false,
      error_type: 'model_not_found',
      error_message: 'model "x" not found — "quoted", \\ backslash, newline\nand 🦙',
      latency_ms: 3.25,
      ...EMPTY_TIMINGS,
      concurrency: 2,
      ...fields,
    }),
  );
}

async function linesOf(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

describe('jsonlFileSink', () => {
  it('creates the directory and appends one JSON line per record that parses back equal', async () => {
    const path = join(dir, 'nested', 'logs', 'performance.jsonl');
    const sink = jsonlFileSink({ path });
    expect(sink.path).toBe(path);
    const first = [
      record(),
      record({
        success: true,
        status: 200,
        error_type: null,
        error_message: null,
        eval_count: 8,
        tokens_per_second: 50.125,
      }),
    ];
    const second = [record({ project: null })];
    await sink.write(first);
    await sink.write(second);
    const lines = await linesOf(path);
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => requestMetricSchema.parse(JSON.parse(line)))).toEqual([...first, ...second]);
  });

  it('appends to an existing file without touching what is there', async () => {
    const path = join(dir, 'performance.jsonl');
    await writeFile(path, '{"earlier":"line"}\n');
    const sink = jsonlFileSink({ path });
    const written = record();
    await sink.write([written]);
    expect(await linesOf(path)).toEqual(['{"earlier":"line"}', JSON.stringify(written)]);
  });

  it('keeps the order of writes that were not awaited', async () => {
    const path = join(dir, 'performance.jsonl');
    const sink = jsonlFileSink({ path });
    const batches = Array.from({ length: 50 }, (_, i) => Array.from({ length: (i % 3) + 1 }, () => record()));
    await Promise.all(batches.map((batch) => sink.write(batch)));
    const ids = (await linesOf(path)).map((line) => requestMetricSchema.parse(JSON.parse(line)).id);
    expect(ids).toEqual(batches.flat().map((r) => r.id));
  });

  it('flush() resolves once every write so far is on disk', async () => {
    const path = join(dir, 'performance.jsonl');
    const sink = jsonlFileSink({ path });
    for (let i = 0; i < 20; i++) void sink.write([record()]);
    await sink.flush();
    expect(await linesOf(path)).toHaveLength(20);
  });

  it('defaults to logs/performance.jsonl under the working directory', () => {
    expect(jsonlFileSink().path).toBe(resolve('logs/performance.jsonl'));
  });

  it('rejects every write it cannot append, and flush() still resolves', async () => {
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'a regular file');
    const sink = jsonlFileSink({ path: join(blocker, 'performance.jsonl') });
    await expect(sink.write([record()])).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    await expect(sink.write([record()])).rejects.toThrow();
    await expect(sink.flush()).resolves.toBeUndefined();
  });

  it("hands a failed append to the middleware's onError and leaves the response untouched", async () => {
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'a regular file');
    const failures: Array<[unknown, RequestMetric | undefined]> = [];
    const app = new Hono();
    app.use(
      ollamaMetrics({
        sink: jsonlFileSink({ path: join(blocker, 'performance.jsonl') }),
        onError: (error, r) => failures.push([error, r]),
      }),
    );
    app.post('/api/generate', (c) =>
      c.json({ model: 'llama3.2', response: 'hi', done: true, eval_count: 2, eval_duration: 40_000_000 }),
    );
    const res = await app.request('/api/generate', { method: 'POST', body: '{"model":"llama3.2"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response: 'hi' });
    await eventually(() => expect(failures).toHaveLength(1));
    expect(failures[0]?.[0]).toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    expect(failures[0]?.[1]).toMatchObject({ model: 'llama3.2', endpoint: '/api/generate', tokens_per_second: 50 });
  });
});
