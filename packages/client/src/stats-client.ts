/**
 * A typed, edge-safe client for the stats API, for tools that read ollama-perf's numbers
 * over HTTP. Answers are validated with core's Summary schemas, so a client never hands on
 * a shape the server did not promise.
 */
import {
  type Comparison,
  comparisonSchema,
  type ModelSummary,
  modelSummarySchema,
  type StatsFilter,
  type Summary,
  summarySchema,
} from '@ollama-perf/core';

/** Options of {@link createStatsClient}. */
export interface StatsClientOptions {
  /** The gateway / API base URL, e.g. `http://127.0.0.1:11435`. */
  url: string;
  /** The API's `API_TOKEN`, when it has one. */
  token?: string | undefined;
  /** The fetch to use. Default: global `fetch`. */
  fetch?: typeof fetch;
}

/** Error thrown for a non-2xx answer or an answer that is not the promised shape. */
export class StatsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'StatsApiError';
  }
}

/** What the stats client can do. */
export interface StatsClient {
  /** `GET /stats`. */
  summary(filter?: StatsFilter): Promise<Summary>;
  /** `GET /stats/:model`; `null` when the model has no records. */
  model(name: string, filter?: Omit<StatsFilter, 'model'>): Promise<ModelSummary | null>;
  /** `GET /stats/compare`: each model in the window `from`..`to` against the baseline window. */
  compare(request: CompareRequest): Promise<Comparison>;
}

/** The windows (epoch ms) and filter of {@link StatsClient.compare}. */
export type CompareRequest = Omit<StatsFilter, 'from' | 'to'> & {
  from: number;
  to: number;
  baseline_from: number;
  baseline_to: number;
};

function queryOf(filter: StatsFilter, extra: Record<string, number> = {}): string {
  const params = new URLSearchParams();
  if (filter.from !== undefined) params.set('from', String(filter.from));
  if (filter.to !== undefined) params.set('to', String(filter.to));
  if (filter.operation !== undefined) params.set('operation', filter.operation);
  if (filter.project !== undefined) params.set('project', filter.project);
  if (filter.model !== undefined) params.set('model', filter.model);
  for (const [name, value] of Object.entries(extra)) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Creates a stats client.
 *
 * @example
 * const stats = createStatsClient({ url: 'http://127.0.0.1:11435', token: process.env.API_TOKEN });
 * const { tokens_per_second } = await stats.summary({ from: Date.now() - 86_400_000 });
 */
export function createStatsClient(options: StatsClientOptions): StatsClient {
  const base = options.url.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    const res = await doFetch(`${base}${path}`, { headers });
    const body: unknown = await res.json().catch(() => null);
    if (res.ok || res.status === 404) return { status: res.status, body };
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new StatsApiError(error?.message ?? `stats API answered ${res.status}`, res.status, error?.code ?? null);
  }

  function parse<T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } },
    body: unknown,
    status: number,
  ): T {
    const result = schema.safeParse(body);
    if (!result.success)
      throw new StatsApiError(`unexpected answer from the stats API: ${result.error.message}`, status, null);
    return result.data;
  }

  return {
    async summary(filter = {}) {
      const { status, body } = await get(`/stats${queryOf(filter)}`);
      if (status === 404) throw new StatsApiError('no stats API at this URL', status, null);
      return parse(summarySchema, body, status);
    },
    async model(name, filter = {}) {
      const { status, body } = await get(`/stats/${encodeURIComponent(name)}${queryOf(filter)}`);
      if (status === 404) return null;
      return parse(modelSummarySchema, body, status);
    },
    async compare(request) {
      const { baseline_from, baseline_to, ...filter } = request;
      const { status, body } = await get(`/stats/compare${queryOf(filter, { baseline_from, baseline_to })}`);
      if (status === 404) throw new StatsApiError('no stats API at this URL', status, null);
      return parse(comparisonSchema, body, status);
    },
  };
}
