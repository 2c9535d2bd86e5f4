/**
 * The model a line of Ollama's server log names, when a model is being loaded. Ollama's INFO
 * lines name it by its weights file (`starting runner cmd="… --model
 * /root/.ollama/models/blobs/sha256-dde5…"`, `new model will fit in available VRAM …
 * model=/…/sha256-dde5…`); with `OLLAMA_DEBUG=1` the scheduler also names it as pulled
 * (`runner.name=registry.ollama.ai/library/qwen2.5:7b`). A weights file becomes
 * `sha256-` and the first 12 hex digits of its digest, which is the same file, hence
 * the same model, on every machine; a name as pulled is shown as `ollama list` does.
 */
import type { SlogLine } from './slog-line.js';

// Ollama's load messages (llm/server.go, server/sched.go) across versions.
const LOAD_MESSAGE = /^(?:starting llama server|starting runner|new model will fit|new model fits|loading first model)/;
const BLOB = /sha256[-:]([0-9a-f]{12})[0-9a-f]*/i;
const MODEL_FLAG = /(?:^|[\s[])--model\s+("(?:[^"\\]|\\.)*"|\S+)/;
const DEFAULT_REGISTRY = /^registry\.ollama\.ai\/(?:library\/)?/;

/** Whether `name` stands for a weights file rather than a name as pulled. */
export function isBlobName(name: string): boolean {
  return /^sha256-[0-9a-f]{12}$/.test(name);
}

/**
 * A model as the log names it: a weights file's path → `sha256-<12 hex>`; a name as
 * pulled → without Ollama's default registry and namespace; anything else as it is.
 *
 * @example
 * modelFromLog('/root/.ollama/models/blobs/sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff') // 'sha256-dde5aa3fc5ff'
 * modelFromLog('registry.ollama.ai/library/qwen2.5:7b') // 'qwen2.5:7b'
 */
export function modelFromLog(value: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  const blob = BLOB.exec(text);
  if (blob !== null) return `sha256-${(blob[1] as string).toLowerCase()}`;
  return text.replace(DEFAULT_REGISTRY, '');
}

/**
 * The model a load line names (the scheduler's or runner's lines as a model starts to
 * load), `null` for any other line.
 *
 * @example
 * modelLoadedBy(readSlogLine('time=… level=INFO source=server.go:1 msg="starting runner" cmd="/usr/bin/ollama runner --model /m/blobs/sha256-dde5aa3fc5ff --port 1"')!) // 'sha256-dde5aa3fc5ff'
 */
export function modelLoadedBy(line: SlogLine): string | null {
  if (!LOAD_MESSAGE.test(line.msg)) return null;
  const named = line.attributes.get('runner.name') ?? line.attributes.get('model');
  if (named !== undefined) return modelFromLog(named);
  // Ollama ≥ 0.1.30 logs the runner's command line as `cmd`, earlier ones its `params`.
  const flag = MODEL_FLAG.exec(line.attributes.get('cmd') ?? line.attributes.get('params') ?? '');
  return flag === null ? null : modelFromLog((flag[1] as string).replace(/^"|"$/g, ''));
}
