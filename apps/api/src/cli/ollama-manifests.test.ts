/** modelNamesFromStore(): weights files named as pulled, from a model store laid out as Ollama lays it out. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelNamesFromStore, NotAModelStoreError } from './ollama-manifests.js';

const store = mkdtempSync(join(tmpdir(), 'ollama-models-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

const QWEN = 'dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff';
const TUNED = '6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa';
const HF = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

// A manifest as `ollama pull` writes it: the weights layer among projector, template and license.
function writeManifest(path: string, digest: string): void {
  const file = join(store, 'manifests', path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: 'sha256:2329', size: 483 },
      layers: [
        { mediaType: 'application/vnd.ollama.image.projector', digest: 'sha256:a1b2c3d4e5f60718', size: 607_929_344 },
        { mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${digest}`, size: 4_683_073_184 },
        { mediaType: 'application/vnd.ollama.image.template', digest: 'sha256:eb4402837c78', size: 1482 },
        { mediaType: 'application/vnd.ollama.image.license', digest: 'sha256:832dd9e00a68', size: 11343 },
      ],
    }),
  );
}

describe('modelNamesFromStore', () => {
  it('names each weights file as pulled, preferring a tag other than latest', async () => {
    writeManifest('registry.ollama.ai/library/qwen2.5/latest', QWEN);
    writeManifest('registry.ollama.ai/library/qwen2.5/7b', QWEN);
    writeManifest('registry.ollama.ai/someone/tuned/latest', TUNED);
    writeManifest('registry.ollama.ai/someone/tuned/v2', TUNED);
    writeManifest('hf.co/org/repo/Q4_K_M', HF);
    writeFileSync(join(store, 'manifests', 'registry.ollama.ai', 'library', 'qwen2.5', '.DS_Store'), 'not json');
    expect(Object.fromEntries(await modelNamesFromStore(store))).toEqual({
      'sha256-dde5aa3fc5ff': 'qwen2.5:7b',
      'sha256-6a0746a1ec1a': 'someone/tuned:v2',
      'sha256-0123456789ab': 'hf.co/org/repo:Q4_K_M',
    });
  });

  it('refuses a folder that is not a model store', async () => {
    await expect(modelNamesFromStore(join(store, 'manifests', 'hf.co'))).rejects.toBeInstanceOf(NotAModelStoreError);
  });
});
