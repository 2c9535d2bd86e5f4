/** A gateway app over a store, served on a real port with API_TOKEN `tok`, for CLI tests that use `--url`. */
import { serveOnPort } from '@ollama-perf/testkit';
import { createApp } from '../../src/app.js';
import { storeSink } from '../../src/sink/store-sink.js';
import type { MetricStore } from '../../src/storage/store.js';

/** Serves `store` (Ollama unreachable: only the stats routes matter); `close` stops it and closes the store. */
export async function servedGateway(store: MetricStore): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:1', apiToken: 'tok' });
  const served = await serveOnPort(app);
  return {
    url: served.url,
    async close() {
      await served.close();
      await store.close();
    },
  };
}
