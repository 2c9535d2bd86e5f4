/**
 * `GET /metrics`: the stored records as Prometheus text exposition (see `../metrics/render.ts`),
 * over all records on each scrape — merged from the rollups' stored families, plus the
 * records no rollup covers yet.
 */
import { Hono } from 'hono';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from '../metrics/render.js';
import type { MetricStore } from '../storage/store.js';
import { currentResidency } from './models.js';

/** The Prometheus scrape route over `store`. */
export function metricsRoutes(store: MetricStore): Hono {
  return new Hono().get('/', async (c) => {
    const [metrics, residency] = await Promise.all([store.rollups.metrics(), currentResidency(store)]);
    const text = renderMetrics(metrics, residency);
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });
}
