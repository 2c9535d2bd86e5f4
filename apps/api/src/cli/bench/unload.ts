/**
 * Unloading a model on purpose, so the next request pays a cold load: a `generate` with an
 * empty prompt and `keep_alive: 0` (docs/api.md, "Unload a model"), then polling `/api/ps`
 * until the model is gone — Ollama unloads in the background after it has answered.
 */
import type { Ollama } from 'ollama';

const POLL_MS = 250;

/**
 * Unloads `model` and resolves once `/api/ps` no longer lists it; rejects after `timeoutMs`.
 *
 * @example
 * await unloadModel(client, 'llama3.2', 60_000);
 */
export async function unloadModel(client: Ollama, model: string, timeoutMs: number): Promise<void> {
  await client.generate({ model, prompt: '', keep_alive: 0, stream: false });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { models } = await client.ps();
    if (!models.some((loaded) => loaded.name === model || loaded.model === model)) return;
    if (performance.now() >= deadline) {
      throw new Error(`${model} was still loaded ${Math.round(timeoutMs / 1000)} s after the unload request`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
