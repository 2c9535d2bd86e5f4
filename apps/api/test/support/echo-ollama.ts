/**
 * An Ollama double for privacy and CORS tests, in front of the stand-in: model `echo`
 * answers with the request's own text (a model repeating its prompt, so a response
 * carries whatever the prompt carried), every other request is forwarded to the stand-in
 * unchanged. Like Ollama (gin-contrib/cors with its default OLLAMA_ORIGINS), it answers
 * CORS preflights from local origins on any path and adds the CORS headers to answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running echo double. */
export interface EchoOllama {
  url: string;
  close(): Promise<void>;
}

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?$/;

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || !LOCAL_ORIGIN.test(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
    'access-control-allow-headers': 'Authorization, Content-Type, User-Agent, Accept, X-Requested-With',
  };
}

function textOf(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit([body.system, body.prompt, body.messages, body.input]);
  return parts.join(' ');
}

const TIMINGS = {
  total_duration: 900_000_000,
  load_duration: 1_000_000,
  prompt_eval_count: 12,
  prompt_eval_duration: 100_000_000,
  eval_count: 4,
  eval_duration: 80_000_000,
};

function echo(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  headers: Record<string, string>,
): void {
  const text = textOf(body);
  const path = (req.url ?? '/').split('?')[0];
  const created_at = '2026-11-27T10:00:00Z';
  if (path === '/v1/chat/completions') {
    if (body.stream === true) {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'echo', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(`${chunk({ role: 'assistant', content: text }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion',
        model: 'echo',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 4 },
      }),
    );
    return;
  }
  const chat = path === '/api/chat';
  const piece = (content: string) => (chat ? { message: { role: 'assistant', content } } : { response: content });
  const final = { model: 'echo', created_at, ...piece(''), done: true, done_reason: 'stop', ...TIMINGS };
  if (body.stream === false) {
    res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ ...final, ...piece(text) }));
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': 'application/x-ndjson' });
  res.write(`${JSON.stringify({ model: 'echo', created_at, ...piece(text), done: false })}\n`);
  res.end(`${JSON.stringify(final)}\n`);
}

/** Starts the double on 127.0.0.1, forwarding non-echo requests to `standInUrl`. */
export async function startEchoOllama(standInUrl: string): Promise<EchoOllama> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = corsHeaders(req);
      if (
        req.method === 'OPTIONS' &&
        req.headers['access-control-request-method'] !== undefined &&
        headers['access-control-allow-origin'] !== undefined
      ) {
        res.writeHead(204, headers);
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not JSON: the stand-in answers it as Ollama would.
      }
      if (req.method === 'POST' && body !== null && body.model === 'echo') return echo(req, res, body, headers);
      void forward(req, res, raw, headers);
    });
  });

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    cors: Record<string, string>,
  ): Promise<void> {
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const answer = await fetch(`${standInUrl}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: hasBody ? new Uint8Array(body) : null,
      });
      const headers: Record<string, string> = { ...cors };
      answer.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection' && name !== 'keep-alive')
          headers[name] = value;
      });
      res.writeHead(answer.status, headers);
      if (answer.body === null) {
        res.end();
        return;
      }
      const reader = answer.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (res.destroyed) {
          // The gateway went away (its client left, or it timed out): stop reading too.
          await reader.cancel();
          return;
        }
        res.write(value);
      }
      res.end();
    } catch {
      // The stand-in cut the answer (`cutoff`) or the client left: cut ours the same way.
      res.destroy();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
