/**
 * Incremental readers for the two streaming formats Ollama speaks: NDJSON on its native
 * routes (`/api/generate`, `/api/chat`, …) and Server-Sent Events on `/v1/*`.
 * Fed arbitrary byte chunks, they return the complete JSON objects those chunks finish.
 * A line that is not JSON is reported as an `invalid` item, never thrown.
 */
import { createUtf8StreamDecoder, LineSplitter } from './line-splitter.js';

/** One thing a stream reader found. */
export type StreamItem =
  | { kind: 'json'; value: unknown; event?: string }
  | { kind: 'invalid'; text: string; error: string }
  | { kind: 'done' };

/** A reader of one streamed response body. */
export interface StreamReader {
  /** Feeds the next chunk; returns the items it completes (possibly none). */
  push(chunk: Uint8Array | string): StreamItem[];
  /** Ends the stream, returning what an unterminated last line held. */
  end(): StreamItem[];
}

const INVALID_TEXT_MAX = 200;

function parseJson(text: string, event?: string): StreamItem {
  try {
    const value: unknown = JSON.parse(text);
    return event === undefined ? { kind: 'json', value } : { kind: 'json', value, event };
  } catch (error) {
    return { kind: 'invalid', text: text.slice(0, INVALID_TEXT_MAX), error: (error as Error).message };
  }
}

/** Options of the stream readers. */
export interface StreamReaderOptions {
  /**
   * Called with each complete line (NDJSON) or event payload (SSE) before it is parsed;
   * returning `false` skips it unparsed. Lets a hot path parse only the lines it needs.
   */
  select?: (text: string) => boolean;
  /** Longest line kept; a longer one is reported as `invalid` and not held. Default 16 Mi characters. */
  maxLineChars?: number;
}

/**
 * A reader for newline-delimited JSON (one object per line; blank lines ignored).
 *
 * @example
 * const reader = createNdjsonReader();
 * for (const item of reader.push(bytes)) if (item.kind === 'json') handle(item.value);
 */
export function createNdjsonReader(options: StreamReaderOptions = {}): StreamReader {
  const { select } = options;
  const lines = new LineSplitter(options.maxLineChars);
  let overlong = 0;
  const toItems = (texts: string[]): StreamItem[] => {
    const items: StreamItem[] = [];
    if (lines.overlongLines > overlong) {
      overlong = lines.overlongLines;
      items.push({ kind: 'invalid', text: '', error: 'line longer than the reader keeps' });
    }
    for (const text of texts) {
      if (text.trim() !== '' && (select === undefined || select(text))) items.push(parseJson(text));
    }
    return items;
  };
  return {
    push: (chunk) => toItems(lines.push(chunk)),
    end: () => toItems(lines.end()),
  };
}

/**
 * A reader for Server-Sent Events whose `data` is JSON (the OpenAI streaming format).
 * Follows the event-stream rules: `data:` lines of one event are joined with `\n` and
 * the event is dispatched at the blank line; `:` comments, `id:` and `retry:` are
 * ignored; `event:` names the item. `data: [DONE]` yields `{ kind: 'done' }`.
 */
export function createSseReader(options: StreamReaderOptions = {}): StreamReader {
  const { select } = options;
  const lines = new LineSplitter(options.maxLineChars);
  let data: string[] = [];
  let event: string | undefined;

  const dispatch = (items: StreamItem[]): void => {
    if (data.length > 0) {
      const payload = data.length === 1 ? (data[0] as string) : data.join('\n');
      if (payload.trim() === '[DONE]') items.push({ kind: 'done' });
      else if (select === undefined || select(payload)) items.push(parseJson(payload, event));
    }
    data = [];
    event = undefined;
  };

  const toItems = (texts: string[], ending: boolean): StreamItem[] => {
    const items: StreamItem[] = [];
    for (const line of texts) {
      if (line === '') {
        dispatch(items);
        continue;
      }
      if (line.charCodeAt(0) === 58 /* ":" comment */) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
    // A stream cut before its final blank line still delivers its last event.
    if (ending) dispatch(items);
    return items;
  };

  return {
    push: (chunk) => toItems(lines.push(chunk), false),
    end: () => toItems(lines.end(), true),
  };
}

/**
 * A reader for a whole JSON body (a non-streamed response, possibly pretty-printed): it
 * collects the text and parses it at the end. Past `maxChars` it stops collecting and
 * reports the body as `invalid` instead of holding an unbounded copy.
 */
export function createJsonBodyReader(options: { maxChars?: number } = {}): StreamReader {
  const maxChars = options.maxChars ?? 16 * 1024 * 1024;
  const decode = createUtf8StreamDecoder();
  let parts: string[] = [];
  let size = 0;
  const collect = (text: string): void => {
    if (size > maxChars) return;
    size += text.length;
    if (size > maxChars) parts = [];
    else parts.push(text);
  };
  return {
    push(chunk) {
      collect(decode(chunk));
      return [];
    },
    end() {
      collect(decode());
      if (size > maxChars) return [{ kind: 'invalid', text: '', error: `body longer than ${maxChars} characters` }];
      const text = parts.join('');
      parts = [];
      return text.trim() === '' ? [] : [parseJson(text)];
    },
  };
}

/** Which reader a response needs, from its `Content-Type`: SSE, NDJSON, or `null` for a plain body. */
export function streamFormatOf(contentType: string | null | undefined): 'sse' | 'ndjson' | null {
  if (contentType == null) return null;
  const type = contentType.toLowerCase();
  if (type.includes('text/event-stream')) return 'sse';
  if (type.includes('ndjson') || type.includes('jsonl') || type.includes('jsonlines')) return 'ndjson';
  return null;
}
