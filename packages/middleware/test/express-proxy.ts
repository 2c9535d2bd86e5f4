/**
 * Test support: Express + http-proxy-middleware in front of Ollama, as its README shows it,
 * behind the Express `ollamaMetrics`.
 */
import type { RequestListener } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { abortUpstreamOnClose, type ExpressOllamaMetricsOptions, ollamaMetrics } from '../src/express.js';

/** An Express app proxying everything to `upstream`, recording with `metrics`. */
export function expressProxyApp(upstream: string, metrics: ExpressOllamaMetricsOptions): RequestListener {
  const app = express();
  app.use(ollamaMetrics(metrics));
  app.use(createProxyMiddleware({ target: upstream, changeOrigin: true, on: { proxyReq: abortUpstreamOnClose } }));
  return app;
}
