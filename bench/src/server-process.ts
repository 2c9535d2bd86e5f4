/**
 * Parent side of the benchmark's child processes: `spawnServer()` forks `server-host.ts`
 * (through tsx's loader) for one server, `spawnGateway()` runs the built
 * `ollama-perf serve`. Every child is registered so that a benchmark that fails, or a Ctrl-C,
 * still leaves no process behind; `/proc/<pid>/status` gives a child's memory.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type GatewayProcess, startGatewayProcess } from '../../apps/api/test/support/gateway-process.ts';
import type { ServerInfo, ServerSpec } from './variants.js';

const HOST_SCRIPT = fileURLToPath(new URL('./server-host.ts', import.meta.url));
/** The repository root (bench/ is one level down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_CLI = fileURLToPath(new URL('../../apps/api/dist/cli.js', import.meta.url));

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: whatever is still running when this process exits is killed (by pid).
  process.once('exit', killAllChildren);
}

/** Kills every child still running (SIGKILL, each by its own pid). */
export function killAllChildren(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** A server running in a child process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** The server's own figures (records written…). */
  info(): Promise<ServerInfo>;
  /** Closes the server and waits for the process to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * Forks a TypeScript module (through tsx's loader) as a tracked child with an IPC channel;
 * the last 4,000 characters of its output are kept for error messages.
 */
export function forkTs(script: string, args: string[]): { child: ChildProcess; output(): string } {
  const child = fork(script, args, {
    execArgv: ['--import', tsxLoader()],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone: NaN (a figure that could not be measured) survives the trip.
    serialization: 'advanced',
  });
  track(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

/** Resolves once `child` has exited; SIGKILL after `timeoutMs`. */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts one server of `variants.ts` in its own process and resolves once it listens.
 *
 * @example
 * const ollama = await spawnServer({ kind: 'stand-in', options: { maxChunks: 1 } });
 * try { … } finally { await ollama.stop(); }
 */
export function spawnServer(spec: ServerSpec, startTimeoutMs = 60_000): Promise<ServerProcess> {
  const { child, output } = forkTs(HOST_SCRIPT, [JSON.stringify(spec)]);

  const pending: Array<(info: ServerInfo) => void> = [];
  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${spec.kind} server did not start within ${startTimeoutMs} ms: ${output()}`));
    }, startTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.kind} server exited (${code ?? signal}) before it was ready: ${output()}`));
    });
    child.on('message', (message: { type: string; url?: string; info?: ServerInfo }) => {
      if (message.type === 'info' && message.info !== undefined) pending.shift()?.(message.info);
      if (message.type !== 'ready' || message.url === undefined) return;
      clearTimeout(timer);
      resolve({
        url: message.url,
        pid: child.pid as number,
        info: () =>
          new Promise<ServerInfo>((done) => {
            pending.push(done);
            child.send({ type: 'info' });
          }),
        async stop() {
          if (child.connected) child.send({ type: 'stop' });
          else child.kill('SIGTERM');
          await waitExit(child, 10_000);
        },
      });
    });
  });
}

/**
 * Starts several servers at once; when one fails, the others are stopped before the error
 * is thrown.
 */
export async function spawnServers(specs: ServerSpec[]): Promise<ServerProcess[]> {
  const settled = await Promise.allSettled(specs.map((spec) => spawnServer(spec)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const running = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed === undefined) return running;
  await Promise.all(running.map((server) => server.stop()));
  throw failed.reason;
}

/** Builds `@ollama-perf/api` (and what it depends on) when its `dist/` is missing. */
export function ensureApiBuilt(log: (line: string) => void = () => undefined): void {
  if (existsSync(API_CLI)) return;
  log('apps/api/dist is missing: running pnpm --filter @ollama-perf/api... build');
  execFileSync('pnpm', ['--filter', '@ollama-perf/api...', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/**
 * Runs the built gateway (`ollama-perf serve`, what `pnpm start` runs) as a child process,
 * configured by environment variables, and resolves once it listens.
 */
export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  ensureApiBuilt((line) => console.log(line));
  const gateway = await startGatewayProcess({ HOST: '127.0.0.1', ...env });
  track(gateway.child);
  return gateway;
}

/** Resident and peak resident memory of a process, bytes, from `/proc/<pid>/status`. */
export interface ProcessMemory {
  rss: number;
  /** Peak RSS since start or since {@link resetPeakRss}. */
  hwm: number;
  /** Anonymous memory of the RSS (heaps, malloc), without mapped files. */
  anon: number;
}

/** Reads VmRSS, VmHWM and RssAnon of a process (Linux). */
export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM'), anon: kib('RssAnon') };
}

/**
 * CPU time (user + system) a process has used so far, ms, from `/proc/<pid>/stat` (10 ms
 * resolution); with `tid`, that of one of its threads (`/proc/<pid>/task/<tid>/stat`; a
 * process's main thread has tid = pid).
 */
export function processCpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // Fields after the parenthesized command name; utime and stime are the 14th and 15th overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

// sysconf(_SC_CLK_TCK): 100 on every Linux platform Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** Resets a process's VmHWM to its current RSS (Linux `clear_refs` 5); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
