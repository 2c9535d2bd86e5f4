/** readSlogLine() and modelFromLog(): Ollama's own log lines as its slog text handler writes them. */
import { describe, expect, it } from 'vitest';
import { modelFromLog } from './model-in-log.js';
import { readSlogLine } from './slog-line.js';

describe('readSlogLine', () => {
  it('reads time with its offset, level, message and attributes, quoted keys and escapes included', () => {
    const line = readSlogLine(
      'time=2025-11-05T16:14:29.801+01:00 level=INFO source=server.go:545 msg="loading \\"model\\"" "model layers"=29 requested=-1 env=a=b',
    );
    expect(line).toMatchObject({ time: Date.parse('2025-11-05T15:14:29.801Z'), level: 'INFO', msg: 'loading "model"' });
    expect(Object.fromEntries(line?.attributes ?? [])).toMatchObject({
      source: 'server.go:545',
      'model layers': '29',
      requested: '-1',
      env: 'a=b',
    });
  });

  it.each([
    '[GIN] 2025/11/05 - 16:14:34 | 200 |  1.2s |  ::1 | POST     "/api/chat"',
    'llama_model_loader: - kv   2: general.name str = Qwen2.5 7B Instruct',
    'time=yesterday level=INFO source=x.go:1 msg=hi',
    'runtime=2025-11-05T16:14:29Z level=INFO msg=hi',
  ])('finds no slog line in %j', (raw) => {
    expect(readSlogLine(raw)).toBeNull();
  });
});

describe('modelFromLog', () => {
  it.each([
    [
      '/root/.ollama/models/blobs/sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff',
      'sha256-dde5aa3fc5ff',
    ],
    ['C:\\Users\\me\\.ollama\\models\\blobs\\sha256-DDE5AA3FC5FFC171', 'sha256-dde5aa3fc5ff'],
    ['registry.ollama.ai/library/qwen2.5:7b', 'qwen2.5:7b'],
    ['registry.ollama.ai/someone/tuned:latest', 'someone/tuned:latest'],
    ['hf.co/org/repo:Q4_K_M', 'hf.co/org/repo:Q4_K_M'],
    ['  ', null],
  ])('%s → %s', (value, model) => {
    expect(modelFromLog(value)).toBe(model);
  });
});
