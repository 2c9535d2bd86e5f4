/**
 * `GET /metrics`: the stored records as Prometheus text exposition (see `../prometheus.ts`),
 * computed from all records on each scrape, like `/stats`.
 */
import { Hono } from 'hono';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from '../prometheus.js';
import type { MetricStore } from '../storage/store.js';
import { currentResidency } from './models.js';

/** The Prometheus scrape route over `store`. */
export function metricsRoutes(store: MetricStore): Hono {
  return new Hono().get('/', async (c) => {
    const [records, residency] = await Promise.all([store.records(), currentResidency(store)]);
    const text = renderMetrics(records, residency);
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });
}
