-- Frozen as released: src/storage/backends/sqlite/migrations.ts; test/d1-migration.test.ts keeps them equal.
-- Applied by: wrangler d1 migrations apply DB [--local | --remote]
alter table "request_metrics" add column "output_chunks" integer;

alter table "request_metrics" add column "decode_ms" real;
