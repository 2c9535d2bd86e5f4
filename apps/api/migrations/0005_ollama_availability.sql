-- Frozen as released: src/storage/backends/sqlite/migrations.ts; test/d1-migration.test.ts keeps them equal.
-- Applied by: wrangler d1 migrations apply DB [--local | --remote]
create table if not exists "ollama_availability" ("id" text not null primary key, "start" integer not null, "last" integer not null, "up" boolean not null, "polls" integer not null, "error" text);

create index if not exists "ollama_availability_last" on "ollama_availability" ("last");
