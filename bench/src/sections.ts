/**
 * The benchmark sections, in the order `run.ts` runs them, and the shape of a whole run's
 * results (what the report and the targets read).
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { INGEST_SIZES, type IngestResult, runIngest } from './ingest.js';
import { ISOLATION_SIZES, type IsolationResult, runIsolation } from './isolation.js';
import { MEMORY_SIZES, type MemoryResult, runMemory } from './memory.js';
import type { Log, Mode } from './mode.js';
import { OVERHEAD_SIZES, type OverheadResult, runOverhead } from './overhead.js';
import { runStats, STATS_SIZES, type StatsResult } from './stats.js';
import { runTtfb, TTFB_SIZES, type TtfbResult } from './ttfb.js';

/** Section names, in run order (stats and isolation last: they fill millions of records). */
export const SECTION_NAMES = ['overhead', 'ttfb', 'memory', 'ingest', 'stats', 'isolation'] as const;
/** One of {@link SECTION_NAMES}. */
export type SectionName = (typeof SECTION_NAMES)[number];

/** What each section returns. */
export interface SectionResults {
  overhead: OverheadResult;
  ttfb: TtfbResult;
  memory: MemoryResult;
  ingest: IngestResult;
  stats: StatsResult;
  isolation: IsolationResult;
}

/** The machine a run was made on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started and when it ended (other work on the machine). */
  loadStart: number;
  loadEnd: number;
}

/** Everything a run produced. */
export interface BenchResults {
  mode: Mode;
  startedAt: Date;
  finishedAt: Date;
  machine: MachineInfo;
  sections: Partial<SectionResults>;
  /** Sections that threw, with the message. */
  failures: Partial<Record<SectionName, string>>;
  /** Seconds each section took. */
  durations: Partial<Record<SectionName, number>>;
}

/** Describes this machine now (`loadEnd` is filled in at the end of a run). */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    kernel: release(),
    loadStart: loadavg()[0] ?? Number.NaN,
    loadEnd: Number.NaN,
  };
}

/** The results of a run that has not run anything yet. */
export function newResults(mode: Mode, sections: Partial<SectionResults> = {}): BenchResults {
  return {
    mode,
    startedAt: new Date(),
    finishedAt: new Date(),
    machine: machineInfo(),
    sections,
    failures: {},
    durations: {},
  };
}

/**
 * Runs one section with its preset for `mode`.
 *
 * @example
 * const overhead = await runSection('overhead', 'quick', console.log);
 */
export async function runSection<S extends SectionName>(name: S, mode: Mode, log: Log): Promise<SectionResults[S]> {
  const runners: { [K in SectionName]: () => Promise<SectionResults[K]> } = {
    overhead: () => runOverhead(OVERHEAD_SIZES[mode], log),
    ttfb: () => runTtfb(TTFB_SIZES[mode], log),
    memory: () => runMemory(MEMORY_SIZES[mode], log),
    ingest: () => runIngest(INGEST_SIZES[mode], log),
    stats: () => runStats(STATS_SIZES[mode], log),
    isolation: () => runIsolation(ISOLATION_SIZES[mode], log),
  };
  return runners[name]() as Promise<SectionResults[S]>;
}
