/**
 * @ollama-perf/client — a typed client for the ollama-perf stats API (`/stats`,
 * `/stats/:model`), answers validated with core's Summary schemas. Uses only `fetch`.
 */
export { createStatsClient, StatsApiError, type StatsClient, type StatsClientOptions } from './stats-client.js';
