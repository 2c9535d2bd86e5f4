/**
 * What every `ollama-perf` subcommand shares: the streams and environment it runs with
 * (passed in, so commands do not reach for globals), argument parsing whose mistakes become
 * into usage errors (exit code 2), and whether to colour output.
 */

/** A writable text stream, possibly a terminal. */
export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
  once(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
  off?(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
}

/** The world a command runs in. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** The clock (epoch ms) that relative times such as `24h` count back from. */
  now(): number;
}

/** A command: arguments after its name in, exit code out. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A mistake in how the command was called; printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Runs an argument parse (`node:util` parseArgs, strict), turning its errors
 * ("Unknown option '--x'") into {@link UsageError}s.
 *
 * @example
 * const { values } = usageErrors(() => parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true }));
 */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message);
  }
}

/**
 * Whether to write ANSI colours to `stream`: only to a terminal, and never when `NO_COLOR`
 * is set to anything (https://no-color.org) or `TERM` is `dumb`.
 */
export function wantsColor(stream: OutputStream, env: Record<string, string | undefined>): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/**
 * Writes `text`, waiting for the stream to drain when its buffer is full, so output of any
 * size goes out with constant memory.
 */
export async function writeAll(stream: OutputStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
    stream.once('drain', () => {
      stream.off?.('error', onError);
      resolve();
    });
    stream.once('error', onError);
  });
}
