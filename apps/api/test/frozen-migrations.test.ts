/**
 * Released migrations are frozen: existing databases ran them as they were, so a changed text
 * would build new databases differently from old ones, silently. This test fails when the text
 * of a released migration changes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StorageBackend } from '../src/storage/backend.js';
import { d1Backend } from '../src/storage/backends/d1/index.js';
import type { ReleasedMigration } from '../src/storage/migrations.js';
import { NODE_BACKENDS } from '../src/storage/open-node.js';

// NEVER EDIT a hash below, nor the migration it stands for: add a new migration (and its hash).
// sha256 of JSON.stringify({ name, up, down }).
const SQLITE: Record<string, string> = {
  '0001_request_metrics': 'b32b8ec1f64883eb0dba28ff7803f2387c055f9c84e3063fcc3079adb953ca6a',
  '0002_model_residency': 'dda0111aaf7bb20e78a465b5d5c5ca4dfcfb6a260477972df6d09d2b245700ea',
  '0003_rollups': '8a5b896ab2a14f27672fb17cdf2172e24f359ddebdd5fb6f7c25bf56bf33d85a',
  '0004_stream_timing': '9815ded1ac809259860499ea0015dda61df0ffd614abd3f15c682a9de70eb423',
  '0005_ollama_availability': '7597a70305c5e936a84a319d71315d88c3b85bcfc437917cbe03880afe17aa44',
};
const POSTGRES: Record<string, string> = {
  '0001_request_metrics': 'f0b9eb84161d37348b687f35b3be7202d6c26fd98fa35787b3b72c50f266b314',
  '0002_model_residency': '453b1d5dca9d33cee1a81d183db5839edbf11811b4e2d8811ada0777a4d299be',
  '0003_rollups': '18ba032d45c37685b9e58cbc81f3e2bec13ec39f5c5cb05da6ee57d888408dbf',
  '0004_stream_timing': '263120ef40f32f0080351fd867c451c6663ad4dd8034fd64559e51bb8613cfb0',
  '0005_ollama_availability': 'b227a5902c6b9fe23cca6dfe9701f43ade8e6686d8a49d00b1339fcef960969d',
};
// D1 runs the SQLite text (migrations/*.sql).
const RELEASED: Record<string, Record<string, string>> = { sqlite: SQLITE, postgres: POSTGRES, d1: SQLITE };

// Every backend: a new one fails here until its released migrations' hashes are listed above.
const BACKENDS: readonly StorageBackend[] = [...NODE_BACKENDS.map((node) => node.backend), d1Backend];

function hashOf({ name, up, down }: ReleasedMigration): string {
  return createHash('sha256').update(JSON.stringify({ name, up, down })).digest('hex');
}

describe.each(BACKENDS)('released migrations of $name', (backend) => {
  it('are unchanged, in their order, each with its hash listed here', () => {
    const hashes = Object.fromEntries(backend.migrations.map((m) => [m.name, hashOf(m)]));
    expect(Object.keys(hashes)).toEqual(Object.keys(hashes).sort());
    expect(hashes).toEqual(RELEASED[backend.name]);
  });
});
