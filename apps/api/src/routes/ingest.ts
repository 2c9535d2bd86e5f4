/**
 * `POST /ingest`: one record or an array of records, validated as a whole — one bad
 * record rejects the batch and nothing is written. Duplicate ids are ignored.
 */

import { zValidator } from '@hono/zod-validator';
import { type RequestMetric, requestMetricSchema } from '@ollama-perf/core';
import { schemaPredicate } from '@ollama-perf/core/rollup';
import { Hono } from 'hono';
import { z } from 'zod';
import type { GatewayStore } from '../storage/gateway-store.js';
import { validationHook } from './validation.js';

/** Records accepted per request. */
export const MAX_INGEST_RECORDS = 10_000;

// One record is read as a batch of one, so every issue has the same path shape: [index, field].
const ingestBodySchema = z.preprocess(
  (body) => (Array.isArray(body) ? body : [body]),
  z.array(requestMetricSchema).min(1).max(MAX_INGEST_RECORDS),
);

const isRequestMetric = schemaPredicate(requestMetricSchema);

/**
 * Checks a batch with the predicate compiled from the schema (a fraction of zod's time per
 * record); zod runs only when that refuses, to say what is wrong — the same answer either way.
 */
const INGEST_VALIDATION = {
  validationFunction: (schema: typeof ingestBodySchema, value: unknown) => {
    const batch = Array.isArray(value) ? value : [value];
    if (batch.length >= 1 && batch.length <= MAX_INGEST_RECORDS && batch.every(isRequestMetric))
      return { success: true as const, data: batch as RequestMetric[] };
    return schema.safeParse(value);
  },
};

/** The ingest route over `store`. */
export function ingestRoutes(store: GatewayStore): Hono {
  return new Hono().post(
    '/',
    zValidator('json', ingestBodySchema, validationHook('records'), INGEST_VALIDATION),
    async (c) => {
      return c.json(await store.insert(c.req.valid('json')), 200);
    },
  );
}
