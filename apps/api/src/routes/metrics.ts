/**
 * `GET /metrics`: the stored records as Prometheus text exposition (see `../metrics/render.ts`),
 * over all records on each scrape — merged from the rollups' stored families, plus the
 * records no rollup covers yet.
 */
import { Hono } from 'hono';
import { MetricsAccumulator } from '../metrics/accumulator.js';
import { type GatewayGauges, PROMETHEUS_CONTENT_TYPE, renderMetrics } from '../metrics/render.js';
import type { GatewayStore } from '../storage/gateway-store.js';
import { currentResidency } from './models.js';

/** The Prometheus scrape route over `store`; `gateway` adds the gateway's own gauges (Node). */
export function metricsRoutes(store: GatewayStore, gateway: () => GatewayGauges = () => ({})): Hono {
  return new Hono().get('/', async (c) => {
    const [state, residency, availability] = await Promise.all([
      store.metricsState(),
      currentResidency(store),
      store.availabilityRuns(),
    ]);
    const metrics = new MetricsAccumulator();
    metrics.addState(state);
    const text = renderMetrics(metrics, residency, gateway(), availability);
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });
}
