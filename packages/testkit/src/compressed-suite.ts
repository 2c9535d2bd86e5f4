/**
 * One vitest suite for compressed answers, run against every way in (the Node gateway,
 * the Hono middleware): the client must get the stand-in's compressed bytes unchanged and
 * the record Ollama's figures; a corrupt body is delivered and recorded as an error.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { COMPRESSED_CASES, CORRUPT_GZIP_RECORD, type CompressedCase } from './compressed-cases.js';
import { rawRequest } from './raw-request.js';
import { expectRecord } from './records/index.js';
import type { StandIn } from './stand-in-ollama.js';

/** What the suite runs against, read when each test starts. */
export interface CompressedAnswersTarget {
  /** Base URL of the way in, proxying to `ollama`. */
  url: string;
  ollama: StandIn;
  /** The records the way in wrote (a memory sink's array). */
  records: unknown[];
}

/**
 * Declares the suite.
 *
 * @example
 * describeCompressedAnswers('the Node data path', () => ({ url, ollama, records: sink.records }));
 */
export function describeCompressedAnswers(
  title: string,
  target: () => CompressedAnswersTarget,
  cases: CompressedCase[] = COMPRESSED_CASES,
): void {
  const post = async (path: string, body: unknown) => {
    const { url, ollama, records } = target();
    const answer = await rawRequest(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, deflate, br' },
      body: JSON.stringify(body),
    });
    await expect.poll(() => records.length).toBe(1);
    const sent = ollama.requests[0]?.sentBody;
    expect(sent, 'the stand-in compressed its answer').toBeInstanceOf(Buffer);
    expect(answer.body.equals(sent as Buffer), 'the client got the compressed bytes unchanged').toBe(true);
    return { answer, record: records[0] };
  };

  describe(title, () => {
    beforeEach(() => {
      const { ollama, records } = target();
      records.length = 0;
      ollama.requests.length = 0;
    });

    it.each(cases)('passes $what through unchanged and records its figures', async (c) => {
      target().ollama.configure({ compression: c.compression });
      const { answer, record } = await post(c.path, c.body);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(c.compression);
      expectRecord(record, { ...c.record, error_type: null });
    });

    it('delivers a corrupt gzip body as sent and records the failure', async () => {
      target().ollama.configure({ compression: 'corrupt-gzip' });
      const { answer, record } = await post('/api/chat', COMPRESSED_CASES[0]?.body);
      expect(answer.status).toBe(200);
      expectRecord(record, CORRUPT_GZIP_RECORD);
    });
  });
}
