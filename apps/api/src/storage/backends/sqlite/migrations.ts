/**
 * The SQLite migrations exactly as released, also what D1 runs (migrations/*.sql, kept equal by
 * test/d1-migration.test.ts). Frozen: never edit one (test/frozen-migrations.test.ts holds their
 * hashes); a schema change is a new migration here, in ../postgres/migrations.ts and in
 * migrations/. Booleans are declared `boolean` (numeric affinity, 0/1) so that introspection
 * reads back what the column means.
 */
import type { ReleasedMigration } from '../../migrations.js';

/** The SQLite (and D1) migrations, oldest first. */
export const SQLITE_MIGRATIONS: readonly ReleasedMigration[] = [
  {
    name: '0001_request_metrics',
    up: [
      'create table if not exists "request_metrics" (' +
        '"id" text not null primary key, "ts" integer not null, "model" text not null, ' +
        '"operation" text not null, "endpoint" text not null, "project" text, "stream" boolean not null, ' +
        '"status" integer not null, "success" boolean not null, "error_type" text, "error_message" text, ' +
        '"latency_ms" real not null, "ttft_ms" real, "total_duration_ms" real, "load_duration_ms" real, ' +
        '"prompt_eval_duration_ms" real, "eval_duration_ms" real, "prompt_eval_count" integer, ' +
        '"eval_count" integer, "tokens_per_second" real, "prompt_tokens_per_second" real, ' +
        '"cold_start" boolean, "done_reason" text, "concurrency" integer, "switched_from" text)',
      'create index if not exists "request_metrics_ts" on "request_metrics" ("ts")',
      'create index if not exists "request_metrics_model_ts" on "request_metrics" ("model", "ts")',
      'create index if not exists "request_metrics_project_ts" on "request_metrics" ("project", "ts")',
      'create index if not exists "request_metrics_operation_ts" on "request_metrics" ("operation", "ts")',
    ],
    down: ['drop table if exists "request_metrics"'],
  },
  {
    name: '0002_model_residency',
    up: [
      'create table if not exists "model_residency" (' +
        '"id" text not null primary key, "ts" integer not null, "model" text not null, "event" text not null, ' +
        '"size" integer, "size_vram" integer, "context_length" integer)',
      'create index if not exists "model_residency_ts" on "model_residency" ("ts")',
      'create index if not exists "model_residency_model_ts" on "model_residency" ("model", "ts")',
    ],
    down: ['drop table if exists "model_residency"'],
  },
  {
    name: '0003_rollups',
    up: [
      'create table if not exists "metric_rollups" (' +
        '"grain" text not null, "start" integer not null, "model" text not null, "operation" text not null, ' +
        '"project" text, "data" blob not null, "json" text)',
      'create index if not exists "metric_rollups_grain_start" on "metric_rollups" ("grain", "start")',
      'create index if not exists "metric_rollups_grain_model_start" on "metric_rollups" ("grain", "model", "start")',
      'create table if not exists "rollup_periods" (' +
        '"id" text not null primary key, "grain" text not null, "start" integer not null, ' +
        '"version" integer not null, "built_version" integer not null)',
      'create index if not exists "rollup_periods_grain_start" on "rollup_periods" ("grain", "start")',
      // Existing records get rollups too: every hour and day that holds records starts out dirty.
      'insert into rollup_periods (id, grain, start, version, built_version)\n' +
        "select distinct 'hour' || ':' || ((ts / 3600000) * 3600000), 'hour', (ts / 3600000) * 3600000, 1, 0 " +
        'from request_metrics',
      'insert into rollup_periods (id, grain, start, version, built_version)\n' +
        "select distinct 'day' || ':' || ((ts / 86400000) * 86400000), 'day', (ts / 86400000) * 86400000, 1, 0 " +
        'from request_metrics',
    ],
    down: ['drop table if exists "metric_rollups"', 'drop table if exists "rollup_periods"'],
  },
  {
    // Stream timing as the data path saw it (record version 3): nullable, so existing rows read as null.
    name: '0004_stream_timing',
    up: [
      'alter table "request_metrics" add column "output_chunks" integer',
      'alter table "request_metrics" add column "decode_ms" real',
    ],
    down: [
      'alter table "request_metrics" drop column "decode_ms"',
      'alter table "request_metrics" drop column "output_chunks"',
    ],
  },
  {
    name: '0005_ollama_availability',
    up: [
      'create table if not exists "ollama_availability" (' +
        '"id" text not null primary key, "start" integer not null, "last" integer not null, ' +
        '"up" boolean not null, "polls" integer not null, "error" text)',
      'create index if not exists "ollama_availability_last" on "ollama_availability" ("last")',
    ],
    down: ['drop table if exists "ollama_availability"'],
  },
];
