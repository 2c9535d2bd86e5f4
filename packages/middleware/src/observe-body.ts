/**
 * Observing a response body without buffering it: each chunk is handed on as it arrives,
 * unchanged, and shown to the capture after. The stream is pull-based (high-water mark 0),
 * so a slow client slows the upstream read instead of filling memory, and a client that
 * goes away cancels the upstream body — which aborts Ollama's generation.
 */

/** What the observed stream reports. */
export interface BodyObserver {
  chunk(bytes: Uint8Array): void;
  end(outcome: { aborted?: boolean; error?: unknown }): void;
}

/**
 * Wraps `body` so that `observer` sees every chunk and how the stream ended (complete,
 * broken off by the upstream, or cancelled by the client).
 *
 * @example
 * c.res = new Response(observeBody(c.res.body, capture), c.res);
 */
export function observeBody(body: ReadableStream<Uint8Array>, observer: BodyObserver): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          observer.end({ error });
          controller.error(error);
          return;
        }
        if (result.done) {
          controller.close();
          observer.end({});
          return;
        }
        controller.enqueue(result.value);
        observer.chunk(result.value);
      },
      cancel(reason) {
        observer.end({ aborted: true });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
