-- Frozen as released: src/storage/backends/sqlite/migrations.ts; test/d1-migration.test.ts keeps them equal.
-- Applied by: wrangler d1 migrations apply DB [--local | --remote]
create table if not exists "request_metrics" ("id" text not null primary key, "ts" integer not null, "model" text not null, "operation" text not null, "endpoint" text not null, "project" text, "stream" boolean not null, "status" integer not null, "success" boolean not null, "error_type" text, "error_message" text, "latency_ms" real not null, "ttft_ms" real, "total_duration_ms" real, "load_duration_ms" real, "prompt_eval_duration_ms" real, "eval_duration_ms" real, "prompt_eval_count" integer, "eval_count" integer, "tokens_per_second" real, "prompt_tokens_per_second" real, "cold_start" boolean, "done_reason" text, "concurrency" integer, "switched_from" text);

create index if not exists "request_metrics_ts" on "request_metrics" ("ts");

create index if not exists "request_metrics_model_ts" on "request_metrics" ("model", "ts");

create index if not exists "request_metrics_project_ts" on "request_metrics" ("project", "ts");

create index if not exists "request_metrics_operation_ts" on "request_metrics" ("operation", "ts");
