/**
 * Shows the capture a decompressed copy of a compressed body while the client gets the
 * compressed bytes unchanged. Runtime-free: the decompressor comes from `decode-web.ts`
 * (DecompressionStream) or `decode-node.ts` (zlib). A body that will not decompress costs
 * the record its figures, never the client its bytes.
 */
import type { CaptureEnd } from './capture.js';
import { type ContentCoding, contentCodingOf, startsEncoded } from './content-coding.js';

/** Where the (decompressed) body and its end go: usually a `RequestCapture`. */
export interface DecodedBodyObserver {
  chunk(bytes: Uint8Array): void;
  /** May return the promise of the record's delivery (Workers keep it alive through `waitUntil`). */
  end(outcome: CaptureEnd): void | Promise<void>;
}

/** A streaming decompressor: output goes to the callback it was made with. */
export interface Inflater {
  write(bytes: Uint8Array): void;
  /** No more input: resolves once all output is delivered, rejects if the data was corrupt or cut. */
  end(): Promise<void>;
}

/** Makes a decompressor for `coding`, or `null` when this runtime has none for it. */
export type InflaterFactory = (coding: ContentCoding, output: (bytes: Uint8Array) => void) => Inflater | null;

/**
 * Wraps `target` for a body sent with `Content-Encoding: header`: without one it is `target`
 * itself; otherwise chunks are decompressed on their way to it, and `end` waits for the
 * decompressor (its promise settles after `target.end`'s). An encoding nobody here can undo
 * leaves the body unread (`unread` in the outcome), a corrupt one ends with `undecodable`.
 *
 * @example
 * const observer = decodingObserver(res.headers.get('content-encoding'), capture, webInflater);
 */
export function decodingObserver(
  header: string | null | undefined,
  target: DecodedBodyObserver,
  inflaterFor: InflaterFactory,
): DecodedBodyObserver {
  const coding = contentCodingOf(header);
  if (coding === null) return target;
  const unread = async (outcome: CaptureEnd) => target.end({ ...outcome, unread: `Content-Encoding: ${header}` });
  if (coding === 'unsupported') return { chunk() {}, end: unread };

  // Undecided until two bytes show whether the body really is compressed (see startsEncoded).
  let state: 'undecided' | 'plain' | 'unread' | Inflater = 'undecided';
  let head: Uint8Array | null = null;
  let ended = false;
  const pass = (bytes: Uint8Array) => {
    if (state === 'plain') target.chunk(bytes);
    else if (typeof state === 'object') state.write(bytes);
  };
  const start = (first: Uint8Array) => {
    state = startsEncoded(coding, first) ? (inflaterFor(coding, (out) => target.chunk(out)) ?? 'unread') : 'plain';
    pass(first);
  };
  return {
    chunk(bytes) {
      if (state !== 'undecided') return pass(bytes);
      if (head === null && bytes.length >= 2) return start(bytes);
      head = head === null ? bytes.slice() : concat(head, bytes);
      if (head.length < 2) return;
      const first = head;
      head = null;
      start(first);
    },
    async end(outcome) {
      if (ended) return;
      ended = true;
      if (state === 'undecided' && head !== null) start(head); // a one-byte body
      if (state === 'undecided' || state === 'plain') return target.end(outcome);
      if (state === 'unread') return unread(outcome);
      // Also when the client left: what it received may hold the final message (it may have
      // left because it read it), so the bytes already here are decompressed before the end.
      let undecodable: unknown;
      await state.end().catch((error: unknown) => {
        undecodable = error ?? new Error('corrupt data');
      });
      const cut = outcome.aborted === true || outcome.error !== undefined; // a cut body ends mid-member
      return target.end(undecodable === undefined || cut ? outcome : { ...outcome, undecodable });
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
