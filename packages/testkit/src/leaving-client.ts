/**
 * A client that leaves early, as Python's `openai` SDK does after `data: [DONE]`: it posts a
 * request on a connection of its own, reads the answer until a marker shows up, and then
 * destroys the socket without waiting for the body to end.
 */
import { request as httpRequest } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { StandIn } from './stand-in-ollama.js';

/** What {@link postAndLeave} read before it left. */
export interface LeftResponse {
  status: number;
  /** The body text read up to the moment the client left (the marker included). */
  text: string;
}

/**
 * POSTs `body` to `url` and destroys the connection as soon as the body read so far
 * contains `marker`. Rejects when the answer ends before the marker is seen. With `gzip`,
 * it accepts a gzip answer and looks for the marker in what it decompressed so far.
 *
 * @example
 * await postAndLeave(`${gateway}/v1/chat/completions`, JSON.stringify(chat), 'data: [DONE]');
 */
export function postAndLeave(url: string, body: string, marker: string, gzip = false): Promise<LeftResponse> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...(gzip ? { 'accept-encoding': 'gzip' } : {}) };
    const req = httpRequest(url, { method: 'POST', agent: false, headers });
    req.on('response', (res) => {
      let text = '';
      const decoded = gzip && res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
      decoded.setEncoding('utf8');
      decoded.on('error', () => undefined);
      decoded.on('data', (chunk: string) => {
        text += chunk;
        if (!text.includes(marker)) return;
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text });
      });
      decoded.on('end', () => reject(new Error(`the answer ended before ${JSON.stringify(marker)}: ${text}`)));
      // Leaving mid-body makes the response emit `aborted` errors: they are the point.
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end(body);
  });
}

/** A streamed request, and the text of its final message (where the SDKs stop reading). */
export interface FinalMessageCase {
  what: string;
  path: string;
  body: Record<string, unknown>;
  marker: string;
}

/** A streamed chat on each wire format, with the marker of its final message. */
export const FINAL_MESSAGE_CASES: readonly FinalMessageCase[] = [
  {
    what: '/v1 SSE, left after data: [DONE]',
    path: '/v1/chat/completions',
    body: {
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    marker: 'data: [DONE]',
  },
  {
    what: 'native NDJSON, left after done: true',
    path: '/api/chat',
    body: { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] },
    marker: '"done":true',
  },
];

/** {@link postAndLeave} on `final`, with `ollama` sending it gzip-compressed (and plain again after). */
export async function postAndLeaveGzip(ollama: StandIn, base: string, final: FinalMessageCase): Promise<LeftResponse> {
  ollama.configure({ compression: 'gzip' });
  try {
    return await postAndLeave(base + final.path, JSON.stringify(final.body), final.marker, true);
  } finally {
    ollama.configure({ compression: 'none' });
  }
}

/** What the record of a {@link FINAL_MESSAGE_CASES} stream from the stand-in says, however the client left. */
export const FINISHED_STREAM_RECORD = {
  model: 'llama3.2',
  stream: true,
  status: 200,
  success: true,
  error_type: null,
  eval_count: 8,
  done_reason: 'stop',
} as const;
