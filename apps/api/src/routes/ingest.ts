/**
 * `POST /ingest`: one record or an array of records, validated as a whole — one bad
 * record rejects the batch and nothing is written. Duplicate ids are ignored. Records of
 * older versions are upgraded and fields of newer ones ignored, named in `ignored_fields`
 * (see docs/compatibility.md).
 */
import { RECORD_SCHEMA_VERSION } from '@ollama-perf/core';
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import type { GatewayStore } from '../storage/gateway-store.js';
import { readIngestBody } from './ingest-body.js';
import { validationHook } from './validation.js';

export { MAX_INGEST_RECORDS } from './ingest-body.js';

const refuse = validationHook('records');

/** The ingest route over `store`. */
export function ingestRoutes(store: GatewayStore): Hono {
  return new Hono().post(
    '/',
    validator('json', (body, c) => {
      const read = readIngestBody(body);
      if (read.success) return read;
      return refuse({ success: false, error: { issues: read.issues } }, c) as Response;
    }),
    async (c) => {
      const { records, ignored } = c.req.valid('json');
      const result = await store.insert(records);
      return c.json({ ...result, schema_version: RECORD_SCHEMA_VERSION, ignored_fields: ignored }, 200);
    },
  );
}
