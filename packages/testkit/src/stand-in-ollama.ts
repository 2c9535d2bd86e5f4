/**
 * A stand-in Ollama server for tests and benchmarks. We cannot run Ollama here (no model
 * weights), so this speaks its wire format exactly: NDJSON streams cut at random byte
 * offsets (mid-line, mid UTF-8 character), nanosecond durations, `omitempty`, `{"error"}`
 * bodies, error lines mid-stream, SSE on `/v1/*`, a 403 for non-local Host headers,
 * and cold loads (the first request for a model reports a long `load_duration`).
 *
 * Special models: `busy` (503), `broken` (500), `midstream-error` (error line after two
 * tokens), `cutoff` (socket closed after two tokens), `slow` (a long, paced stream),
 * `hang` (never answers), `stall` (two tokens, then silence).
 * Models not listed in `models` get Ollama's 404. With `compression`, successful answers
 * come compressed, as from Ollama behind a compressing proxy. With `performance`, timings
 * follow a {@link PerformanceModel} (prompt length, speeds per model, prompt cache, concurrency),
 * an empty prompt loads a model and `keep_alive: 0` unloads it, as Ollama does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compress, contentEncodingOf, type StandInCompression } from './compression.js';
import {
  answerTimings,
  CREATED_AT,
  embedBody,
  embeddingsBody,
  errorBody,
  nativeLines,
  openAiBody,
  openAiEmbeddingsBody,
  openAiStreamEvents,
  tokensOf,
} from './ollama-wire.js';
import { type Pacing, type PerformanceModel, promptTextOf } from './performance-model.js';
import { cutRandomly, seededRandom } from './random.js';

/** Behaviour of a stand-in; every field can be changed later with `configure`. */
export interface StandInOptions {
  /** Models it has (others → 404). Default `['llama3.2', 'qwen2.5vl:7b', 'all-minilm', 'hf.co/org/repo:Q4_K_M']`. */
  models?: string[];
  /** Tokens generated per answer unless the request sets `num_predict` / `max_tokens`. Default 8. */
  tokens?: number;
  /** Delay before the first byte of a stream, ms. Default 0. */
  firstChunkDelayMs?: number;
  /** Delay between chunks of a stream, ms. Default 0. */
  chunkDelayMs?: number;
  /** Delay between the last chunk of a stream and the end of its body, ms. Default 0. */
  endDelayMs?: number;
  /** Delay between lines of the `slow` model, ms. Default 25. */
  slowLineDelayMs?: number;
  /** At most this many chunks per streamed body (cut at random offsets). Default 3 per line. */
  maxChunks?: number;
  /** Seed of the chunking. Default 1; each answer advances it. */
  seed?: number;
  /** `load_duration` reported by a cold load, ns. Default 2.5 s. */
  coldLoadNs?: number;
  /** `load_duration` reported when warm, ns. Default 0 (omitted, as Ollama's omitempty does). */
  warmLoadNs?: number;
  /** Models kept loaded at once (Ollama's OLLAMA_MAX_LOADED_MODELS); loading one more evicts the least recently used. Default: no limit. */
  maxLoadedModels?: number;
  /** `size` and `size_vram` of every loaded model, bytes. Default 3.8 GB in VRAM, nothing in RAM. */
  modelSize?: number;
  modelVram?: number;
  /** Compression of successful inference answers (not of `slow` or `stall` streams). Default `none`. */
  compression?: StandInCompression;
  /** Timings from a performance model instead of the fixed rule of `answerTimings`. Default null. */
  performance?: PerformanceModel | null;
}

/** One request the stand-in received. */
export interface StandInRequest {
  method: string;
  path: string;
  host: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
  model: string | null;
  /** Whether the client went away before the answer was complete. */
  closedEarly: boolean;
  /** Body bytes handed to the socket so far (backpressure shows as this staying low). */
  bytesSent: number;
  /** Resolves when the answer ended or the connection closed. */
  ended: Promise<void>;
  /** The compressed body sent, when `compression` applied to this answer. */
  sentBody: Buffer | null;
}

/** A running stand-in. */
export interface StandIn {
  url: string;
  port: number;
  requests: StandInRequest[];
  configure(options: StandInOptions): void;
  /** Marks a model (or all) as not loaded: its next request is a cold load. */
  unload(model?: string): void;
  close(): Promise<void>;
}

const SPECIAL_MODELS = ['busy', 'broken', 'midstream-error', 'cutoff', 'slow', 'hang', 'stall'];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Starts a stand-in Ollama on 127.0.0.1 (an ephemeral port unless `port` is given).
 *
 * @example
 * const ollama = await startStandInOllama({ firstChunkDelayMs: 50 });
 * await new Ollama({ host: ollama.url }).chat({ model: 'llama3.2', messages, stream: true });
 */
export async function startStandInOllama(options: StandInOptions = {}, port = 0): Promise<StandIn> {
  const settings: Required<StandInOptions> = {
    models: ['llama3.2', 'qwen2.5vl:7b', 'all-minilm', 'hf.co/org/repo:Q4_K_M'],
    tokens: 8,
    firstChunkDelayMs: 0,
    chunkDelayMs: 0,
    endDelayMs: 0,
    slowLineDelayMs: 25,
    maxChunks: 0,
    seed: 1,
    coldLoadNs: 2_500_000_000,
    warmLoadNs: 0,
    maxLoadedModels: Number.POSITIVE_INFINITY,
    modelSize: 3_800_000_000,
    modelVram: 3_800_000_000,
    compression: 'none',
    performance: null,
    ...options,
  };
  const loaded = new Set<string>();
  const requests: StandInRequest[] = [];
  let seed = settings.seed;
  let inFlight = 0;

  const server = createServer((req, res) => {
    // Go's net/http sets TCP_NODELAY, so Ollama's small writes leave as they are written.
    req.socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let finish!: () => void;
      const entry: StandInRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] as string,
        host: req.headers.host,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        model: null,
        closedEarly: false,
        bytesSent: 0,
        sentBody: null,
        ended: new Promise((resolve) => (finish = resolve)),
      };
      requests.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) entry.closedEarly = true;
        finish();
      });
      answer(entry, res).catch(() => res.destroy());
    });
  });

  async function answer(entry: StandInRequest, res: ServerResponse): Promise<void> {
    const hostname = (entry.host ?? '').replace(/:\d+$/, '');
    if (!LOCAL_HOSTS.has(hostname)) return send(res, 403, 'text/plain', '');
    const openAi = entry.path.startsWith('/v1/');
    if (entry.method === 'GET') return answerGet(entry.path, res);
    if (entry.method === 'HEAD' && entry.path === '/') return send(res, 200, 'text/plain; charset=utf-8', '');
    let body: Record<string, unknown>;
    try {
      body = entry.body === '' ? {} : (JSON.parse(entry.body) as Record<string, unknown>);
    } catch {
      return send(res, 400, 'application/json; charset=utf-8', errorBody('invalid character in request body', openAi));
    }
    const model = typeof body.model === 'string' ? body.model : '';
    entry.model = model || null;
    if (model === '') return send(res, 400, 'application/json; charset=utf-8', errorBody('model is required', openAi));
    if (!settings.models.includes(model) && !SPECIAL_MODELS.includes(model)) {
      return send(
        res,
        404,
        'application/json; charset=utf-8',
        errorBody(`model "${model}" not found, try pulling it first`, openAi),
      );
    }
    if (model === 'busy') {
      return send(
        res,
        503,
        'application/json; charset=utf-8',
        errorBody('server busy, please try again.  maximum pending requests exceeded', openAi),
      );
    }
    // Never answers; the connection stays open until the client gives up.
    if (model === 'hang') return;
    if (model === 'broken') {
      return send(
        res,
        500,
        'application/json; charset=utf-8',
        errorBody('llama runner process has terminated: exit status 2', openAi),
      );
    }
    const cold = !loaded.has(model);
    const loadNs = cold ? settings.coldLoadNs : settings.warmLoadNs;
    // A Set keeps insertion order: re-adding moves the model to most recently used.
    loaded.delete(model);
    loaded.add(model);
    while (loaded.size > settings.maxLoadedModels) loaded.delete(loaded.values().next().value as string);
    const options = (body.options ?? {}) as Record<string, unknown>;
    const wanted = Number(options.num_predict ?? body.max_tokens ?? (model === 'slow' ? 2000 : settings.tokens));
    const tokens = tokensOf(Math.max(1, Math.min(2_000_000, Number.isFinite(wanted) ? wanted : settings.tokens)));
    const prompt = JSON.stringify(body.prompt ?? body.messages ?? body.input ?? '');
    const performanceModel = settings.performance;
    const inference = entry.path === '/api/generate' || entry.path === '/api/chat';
    const promptText = promptTextOf(body);
    if (body.keep_alive === 0) res.on('close', () => unloadLater(model));
    if (performanceModel !== null && inference && promptText === '' && !Array.isArray(body.messages)) {
      // An empty prompt only loads the model, or with keep_alive 0 unloads it (docs/api.md).
      const reason = body.keep_alive === 0 ? 'unload' : 'load';
      const line = { model, created_at: CREATED_AT, response: '', done: true, done_reason: reason };
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(line));
    }
    inFlight++;
    res.on('close', () => inFlight--);
    const timings =
      performanceModel?.timings({ model, prompt: promptText, tokens: tokens.length, loadNs, cold, inFlight }) ??
      answerTimings(prompt.length, tokens.length, loadNs);
    // Ollama stops at num_predict with done_reason "length".
    const doneReason = performanceModel !== null && options.num_predict !== undefined ? 'length' : 'stop';
    // Native routes stream unless told not to; /v1 routes only when asked.
    const stream = openAi ? body.stream === true : body.stream !== false;
    const inputs = Array.isArray(body.input) ? body.input.length : 1;
    const answerWith = (type: string, text: string) => {
      const encoding = contentEncodingOf(settings.compression);
      if (encoding === null) return send(res, 200, type, text);
      entry.sentBody = compress(settings.compression, Buffer.from(text));
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Encoding': encoding,
        'Content-Length': entry.sentBody.length,
      });
      res.end(entry.sentBody);
    };

    switch (entry.path) {
      case '/api/generate':
      case '/api/chat': {
        const lines = nativeLines(model, entry.path === '/api/chat', tokens, timings, stream, doneReason);
        const pace = performanceModel?.pacing(timings) ?? null;
        if (!stream) {
          if (pace !== null) await sleep(pace.firstChunkMs + pace.perTokenMs * (tokens.length - 1));
          return answerWith('application/json; charset=utf-8', lines[0] as string);
        }
        return streamLines(
          res,
          entry,
          'application/x-ndjson',
          lines.map((l) => `${l}\n`),
          `${errorBody('an error was encountered while running the model: unexpected EOF', false)}\n`,
          pace,
        );
      }
      case '/api/embed':
        return answerWith('application/json; charset=utf-8', embedBody(model, inputs, timings));
      case '/api/embeddings':
        return answerWith('application/json; charset=utf-8', embeddingsBody());
      case '/v1/chat/completions':
      case '/v1/completions': {
        const chat = entry.path === '/v1/chat/completions';
        if (!stream) return answerWith('application/json', openAiBody(model, chat, tokens, timings));
        const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
        const events = openAiStreamEvents(model, chat, tokens, timings, includeUsage);
        return streamLines(
          res,
          entry,
          'text/event-stream',
          events,
          `data: ${errorBody('an error was encountered while running the model: unexpected EOF', true)}\n\n`,
        );
      }
      case '/v1/embeddings':
        return answerWith('application/json', openAiEmbeddingsBody(model, inputs, timings));
      default:
        return send(res, 404, 'text/plain', '404 page not found');
    }
  }

  function answerGet(path: string, res: ServerResponse): void {
    const json = 'application/json; charset=utf-8';
    if (path === '/') send(res, 200, 'text/plain; charset=utf-8', 'Ollama is running');
    else if (path === '/api/version') send(res, 200, json, '{"version":"0.12.6"}');
    else if (path === '/api/tags') send(res, 200, json, JSON.stringify({ models: tagsOf(settings.models) }));
    else if (path === '/api/ps') send(res, 200, json, JSON.stringify({ models: psOf([...loaded].reverse()) }));
    else send(res, 404, 'text/plain', '404 page not found');
  }

  function unloadLater(model: string): void {
    const unload = () => {
      loaded.delete(model);
      settings.performance?.forget(model);
    };
    const delay = settings.performance?.unloadDelayMs ?? 0;
    if (delay > 0) setTimeout(unload, delay);
    else unload();
  }

  function psOf(names: string[]) {
    return names.map((name) => ({
      name,
      model: name,
      size: settings.modelSize,
      digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
      details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
      expires_at: '2026-11-27T10:05:00.000000000Z',
      size_vram: settings.modelVram,
      context_length: 4096,
    }));
  }

  async function streamLines(
    res: ServerResponse,
    entry: StandInRequest,
    type: string,
    lines: string[],
    errorLine: string,
    pace: Pacing | null = null,
  ): Promise<void> {
    const model = entry.model ?? '';
    const write = async (chunk: Uint8Array) => {
      entry.bytesSent += chunk.length;
      await writeChunk(res, chunk);
    };
    const encoding = model === 'slow' || model === 'stall' ? null : contentEncodingOf(settings.compression);
    res.writeHead(
      200,
      encoding === null ? { 'Content-Type': type } : { 'Content-Type': type, 'Content-Encoding': encoding },
    );
    if (model === 'midstream-error') lines = [...lines.slice(0, 2), errorLine];
    if (model === 'cutoff') lines = lines.slice(0, 2);
    if (model === 'stall') {
      await write(Buffer.from(lines.slice(0, 2).join('')));
      return; // silence: the connection stays open, nothing more comes
    }
    if (settings.firstChunkDelayMs > 0) await sleep(settings.firstChunkDelayMs);
    if (pace !== null) {
      // One line per token, each when the timings say it was generated: against the clock
      // rather than by relative sleeps, whose overshoot would add up over a long answer.
      const start = performance.now() + pace.firstChunkMs;
      for (const [i, line] of lines.entries()) {
        if (res.destroyed) return;
        await sleep(start + Math.min(i, lines.length - 2) * pace.perTokenMs - performance.now());
        await write(Buffer.from(line));
      }
      return void res.end();
    }
    if (model === 'slow') {
      for (const line of lines) {
        if (res.destroyed) return;
        await write(Buffer.from(line));
        await sleep(settings.slowLineDelayMs);
      }
      return void res.end();
    }
    let bytes: Buffer = Buffer.from(lines.join(''));
    if (encoding !== null) bytes = entry.sentBody = compress(settings.compression, bytes);
    const maxChunks = settings.maxChunks > 0 ? settings.maxChunks : lines.length * 3;
    const pieces = cutRandomly(bytes, seededRandom(seed++), maxChunks);
    for (const [i, piece] of pieces.entries()) {
      if (res.destroyed) return;
      if (i > 0 && settings.chunkDelayMs > 0) await sleep(settings.chunkDelayMs);
      await write(piece);
    }
    if (model === 'cutoff') return void res.socket?.destroy();
    // Go flushes each line as it is written and ends the chunked body later, when the handler returns.
    if (settings.endDelayMs > 0) await sleep(settings.endDelayMs);
    res.end();
  }

  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    configure: (next) => {
      Object.assign(settings, next);
      if (next.seed !== undefined) seed = next.seed;
    },
    unload: (model) => {
      for (const name of model === undefined ? [...loaded] : [model]) settings.performance?.forget(name);
      if (model === undefined) loaded.clear();
      else loaded.delete(model);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tagsOf(names: string[]) {
  return names.map((name) => ({ name, model: name, size: 2_019_393_189, digest: 'a80c4f17acd5' }));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    // A destroyed response never drains.
    res.on('drain', done);
    res.on('close', done);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
