-- Frozen as released: src/storage/backends/sqlite/migrations.ts; test/d1-migration.test.ts keeps them equal.
-- Applied by: wrangler d1 migrations apply DB [--local | --remote]
create table if not exists "model_residency" ("id" text not null primary key, "ts" integer not null, "model" text not null, "event" text not null, "size" integer, "size_vram" integer, "context_length" integer);

create index if not exists "model_residency_ts" on "model_residency" ("ts");

create index if not exists "model_residency_model_ts" on "model_residency" ("model", "ts");
