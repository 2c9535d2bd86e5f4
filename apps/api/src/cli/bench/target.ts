/**
 * What `bench` talks to and where its records go. Through a gateway, the gateway records
 * every request itself: the measured ones carry `X-Project-Name: <project>:<run id>`, the
 * set-up ones (calibration, warm-ups, unloads) `<project>:<run id>:setup`, so `/stats?project=`
 * shows one run's measurements alone. Straight to Ollama, `bench` records the measured
 * requests itself (the middleware's `withMetrics` around the client) into the database
 * (`--db`/DATABASE_URL, as `import` does) or to a gateway's `/ingest` (`--ingest-url`);
 * set-up requests are not recorded then.
 */
import { DEFAULT_PROJECT_HEADER, httpSink, type MetricSink, withMetrics } from '@ollama-perf/middleware';
import { Ollama } from 'ollama';
import { storeSink } from '../../sink/store-sink.js';
import { describeDatabase } from '../../storage/open-node.js';
import { openDatabase } from '../database.js';
import { type BenchSettings, runProject } from './settings.js';

/** The clients of one run and what became of its records. */
export interface BenchTarget {
  /** Sends the measured requests (recorded under the run's project). */
  measured: Ollama;
  /** Sends calibration probes, warm-ups, unloads and `/api/ps` polls. */
  setup: Ollama;
  /** Whether `url` is an ollama-perf gateway. */
  gateway: boolean;
  /** One line: where requests went and where their records are. */
  description: string;
  /** Stops every request in flight (Ctrl-C). */
  abort(): void;
  /** Writes the records still buffered and lets go of the database. */
  close(): Promise<void>;
}

/**
 * Connects to `settings.url`, telling a gateway (it answers `/healthz` with a JSON status)
 * from Ollama.
 *
 * @example
 * const target = await openBenchTarget(settings, databaseUrlOf(values.db, io.env), io.env);
 */
export async function openBenchTarget(
  settings: BenchSettings,
  databaseUrl: string | undefined,
  env: Record<string, string | undefined>,
): Promise<BenchTarget> {
  const project = runProject(settings);
  const gateway = await isGateway(settings.url, settings.token);
  // One signal for every request of the run: the client's own abort() reaches only streams
  // whose answer has begun, not one still waiting for a long prompt to be evaluated.
  const stop = new AbortController();
  const client = (headers: Record<string, string> = {}) =>
    new Ollama({
      host: settings.url,
      headers,
      fetch: (input, init) => fetch(input, { ...init, signal: combined(stop.signal, init?.signal) }),
    });
  const abort = () => stop.abort(new Error('the benchmark was stopped'));
  if (gateway) {
    const header = env.PROJECT_HEADER || DEFAULT_PROJECT_HEADER;
    const measured = client({ [header]: project });
    const setup = client({ [header]: `${project}:setup` });
    return {
      measured,
      setup,
      gateway,
      description: `gateway ${settings.url} (it records the runs under project ${project})`,
      abort,
      close: async () => {},
    };
  }
  const { sink, where, release } = await openSink(settings, databaseUrl);
  const measured = withMetrics(client(), {
    sink,
    project,
    coldStartMs: settings.coldStartMs,
  });
  const setup = client();
  return {
    measured,
    setup,
    gateway,
    description: `Ollama ${settings.url}; runs recorded under project ${project} in ${where}`,
    abort,
    close: release,
  };
}

async function openSink(
  settings: BenchSettings,
  databaseUrl: string | undefined,
): Promise<{ sink: MetricSink; where: string; release: () => Promise<void> }> {
  if (settings.ingestUrl !== null) {
    const url = `${settings.ingestUrl}/ingest`;
    const sink = httpSink({ url, token: settings.token });
    return { sink, where: url, release: () => sink.close() };
  }
  const store = await openDatabase(databaseUrl, { mustExist: false });
  const sink = storeSink(store);
  return {
    sink,
    where: describeDatabase(databaseUrl),
    release: async () => {
      try {
        await sink.close();
      } finally {
        await store.close();
      }
    },
  };
}

async function isGateway(url: string, token: string | undefined): Promise<boolean> {
  let response: Response;
  try {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    response = await fetch(`${url}/healthz`, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `cannot reach ${url}${cause === undefined ? '' : ` (${cause})`}: is Ollama or the gateway running?`,
    );
  }
  // Ollama answers 404 text here; the gateway a JSON status (503 while degraded), or with
  // API_TOKEN set and no token given, its JSON error object (Ollama's errors are strings).
  const body = (await response.json().catch(() => null)) as { status?: unknown; error?: unknown } | null;
  return typeof body?.status === 'string' || (typeof body?.error === 'object' && body.error !== null);
}

function combined(stop: AbortSignal, own: AbortSignal | null | undefined): AbortSignal {
  return own === null || own === undefined ? stop : AbortSignal.any([stop, own]);
}
