-- Frozen as released: src/storage/backends/sqlite/migrations.ts; test/d1-migration.test.ts keeps them equal.
-- Applied by: wrangler d1 migrations apply DB [--local | --remote]
create table if not exists "metric_rollups" ("grain" text not null, "start" integer not null, "model" text not null, "operation" text not null, "project" text, "data" blob not null, "json" text);

create index if not exists "metric_rollups_grain_start" on "metric_rollups" ("grain", "start");

create index if not exists "metric_rollups_grain_model_start" on "metric_rollups" ("grain", "model", "start");

create table if not exists "rollup_periods" ("id" text not null primary key, "grain" text not null, "start" integer not null, "version" integer not null, "built_version" integer not null);

create index if not exists "rollup_periods_grain_start" on "rollup_periods" ("grain", "start");

insert into rollup_periods (id, grain, start, version, built_version)
select distinct 'hour' || ':' || ((ts / 3600000) * 3600000), 'hour', (ts / 3600000) * 3600000, 1, 0 from request_metrics;

insert into rollup_periods (id, grain, start, version, built_version)
select distinct 'day' || ':' || ((ts / 86400000) * 86400000), 'day', (ts / 86400000) * 86400000, 1, 0 from request_metrics;
