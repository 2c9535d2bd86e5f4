/**
 * @ollama-perf/client — a typed client for the ollama-perf stats API (`/stats`,
 * `/stats/:model`, `/stats/compare`), answers validated with core's schemas. Uses only `fetch`.
 */

// The shapes the client takes and returns, so that its users need not depend on core themselves.
export type {
  Comparison,
  GroupSummary,
  ModelSummary,
  Stat,
  StatJson,
  StatsFilter,
  Summary,
} from '@ollama-perf/core';
export {
  type CompareRequest,
  createStatsClient,
  StatsApiError,
  type StatsClient,
  type StatsClientOptions,
} from './stats-client.js';
