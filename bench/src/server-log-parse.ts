/**
 * What reading Ollama's own server-log lines costs `ollama-perf import`: a synthetic server log
 * (100k GIN request lines, a runner start before every 20th, an ERROR line before every 50th) read
 * by the GIN-line parser alone (the baseline: what import did before) and by the server-log
 * reader, in alternating rounds of one process; prints the medians and their ratio. Parsing only,
 * no database. Run: `cd bench && npx tsx src/server-log-parse.ts [lines]`.
 */
import { ginLogParser } from '../../apps/api/src/cli/parse-gin-log.ts';
import { serverLogReader } from '../../apps/api/src/cli/parse-server-log.ts';
import { UTC } from '../../apps/api/src/cli/time-zone.ts';

const ROUNDS = 6;

/** The lines of a synthetic server log with `requests` GIN request lines. */
function syntheticServerLog(requests: number): string[] {
  const lines: string[] = [];
  const two = (n: number) => String(n).padStart(2, '0');
  for (let i = 0; i < requests; i++) {
    const t = new Date(Date.UTC(2025, 10, 5, 8) + i * 1000);
    const iso = t.toISOString().replace('Z', '+00:00');
    const stamp = `${t.getUTCFullYear()}/${two(t.getUTCMonth() + 1)}/${two(t.getUTCDate())} - ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
    if (i % 20 === 0) {
      lines.push(
        `time=${iso} level=INFO source=server.go:400 msg="starting runner" cmd="/usr/local/bin/ollama runner --ollama-engine --model /root/.ollama/models/blobs/sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff --port 39677"`,
        `time=${iso} level=INFO source=server.go:1332 msg="llama runner started in 2.50 seconds"`,
      );
    }
    if (i % 50 === 7)
      lines.push(`time=${iso} level=ERROR source=routes.go:660 msg="embedding generation failed" error="EOF"`);
    const status = i % 50 === 7 ? 500 : 200;
    lines.push(
      `[GIN] ${stamp} | ${status} |  ${(3 + (i % 7) * 0.1).toFixed(6)}s |       127.0.0.1 | POST     "/api/chat"`,
    );
  }
  return lines;
}

function timeGinParser(lines: readonly string[]): number {
  const parse = ginLogParser({ timeZone: UTC });
  const start = performance.now();
  for (const line of lines) parse(line);
  return performance.now() - start;
}

function timeServerLogReader(lines: readonly string[]): number {
  const reader = serverLogReader({ timeZone: UTC, coldStartMs: 500, modelNames: new Map() });
  const start = performance.now();
  for (const [i, line] of lines.entries()) reader.read(line, i + 1);
  reader.end();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

const lines = syntheticServerLog(Number(process.argv[2] ?? 100_000));
const gin: number[] = [];
const reader: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternating which goes first, so neither always runs on a warmer JIT or a fuller heap.
  const order = round % 2 === 0 ? ['gin', 'reader'] : ['reader', 'gin'];
  for (const which of order) {
    if (which === 'gin') gin.push(timeGinParser(lines));
    else reader.push(timeServerLogReader(lines));
  }
}
const [g, r] = [median(gin), median(reader)];
console.log(
  `${lines.length} lines, median of ${ROUNDS}: GIN lines only ${g.toFixed(0)} ms, server-log reader ${r.toFixed(0)} ms (${(r / g).toFixed(2)}×)`,
);
