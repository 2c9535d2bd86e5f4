/**
 * The names Ollama's model store gives its weights files. A server log names a model being
 * loaded by its weights file only (`…/blobs/sha256-dde5…`); the store's manifests
 * (`<models>/manifests/registry.ollama.ai/library/qwen2.5/7b`, JSON whose layer of media type
 * `application/vnd.ollama.image.model` has `digest: "sha256:dde5…"`) say which name as pulled
 * each file belongs to.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { modelFromLog } from './model-in-log.js';

const MODEL_LAYER = 'application/vnd.ollama.image.model';

/** A models folder without manifests (not Ollama's model store). */
export class NotAModelStoreError extends Error {
  constructor(dir: string) {
    super(`${dir} has no manifests folder (Ollama's models folder is ~/.ollama/models, or OLLAMA_MODELS)`);
    this.name = 'NotAModelStoreError';
  }
}

/**
 * The name as pulled of a manifest at `path` (relative to the manifests folder, as
 * `host/namespace/model/tag`): `qwen2.5:7b` for Ollama's library, `someone/tuned:latest`
 * for other namespaces there, `hf.co/org/repo:Q4_K_M` for other registries.
 */
export function nameOfManifest(path: string): string {
  const parts = path.split(sep);
  const tag = parts.pop() ?? '';
  return modelFromLog(`${parts.join('/')}:${tag}`) ?? '';
}

function modelDigest(manifest: unknown): string | null {
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) return null;
  for (const layer of layers as Array<{ mediaType?: unknown; digest?: unknown }>)
    if (layer?.mediaType === MODEL_LAYER && typeof layer.digest === 'string') return modelFromLog(layer.digest);
  return null;
}

/**
 * Weights file (`sha256-` and 12 hex digits, as model-in-log.ts names it) → the name as
 * pulled, from the manifests of the Ollama models folder `dir`. When several names share a
 * file (`qwen2.5:7b` and `qwen2.5:latest`), a name other than `latest` is kept, then the
 * first in order. Unreadable manifests are passed over.
 *
 * @example
 * await modelNamesFromStore('/root/.ollama/models') // Map { 'sha256-dde5aa3fc5ff' => 'qwen2.5:7b', … }
 */
export async function modelNamesFromStore(dir: string): Promise<Map<string, string>> {
  const manifests = join(dir, 'manifests');
  const entries = await readdir(manifests, { recursive: true, withFileTypes: true }).catch(() => {
    throw new NotAModelStoreError(dir);
  });
  const names = new Map<string, string>();
  const candidates: Array<[string, string]> = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8').catch(() => null);
    let digest: string | null = null;
    try {
      digest = text === null ? null : modelDigest(JSON.parse(text));
    } catch {
      // Not JSON: not a manifest.
    }
    if (digest !== null) candidates.push([digest, nameOfManifest(relative(manifests, path))]);
  }
  const rank = (name: string) => (name.endsWith(':latest') ? 1 : 0);
  candidates.sort(([, a], [, b]) => rank(a) - rank(b) || a.localeCompare(b));
  for (const [digest, name] of candidates) if (!names.has(digest)) names.set(digest, name);
  return names;
}
