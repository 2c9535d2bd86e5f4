/**
 * A progress bar for long imports and benchmarks, drawn by hand on stderr (no dependency): redrawn in
 * place with "\r", at most ten times a second, and only when stderr is a terminal —
 * redirected output never receives control characters.
 */

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw; nothing is drawn unless `isTTY` is true. */
  stream: { isTTY?: boolean; columns?: number; write(text: string): boolean };
  /** Total bytes (or units of work). */
  total: number;
  /** Shown before the bar (the file name). */
  label: string;
  /** The figures after the bar. Default: `12.3/27.0 MB  120,000 lines` for bytes and lines. */
  describe?: (done: number, total: number, count: number) => string;
  /** The clock, for throttling. Default `Date.now`. */
  now?: () => number;
}

/** A progress bar: `update()` as work advances, `done()` to clear it. */
export interface ProgressBar {
  update(bytes: number, lines: number): void;
  done(): void;
}

const REDRAW_MS = 100;

/** A progress bar that draws nothing (small files). */
export const NO_PROGRESS: ProgressBar = Object.freeze({ update() {}, done() {} });

/**
 * One frame: `label [#########-----------]  45%  12.3/27.0 MB  120,000 lines`, fitted to
 * `width` columns (the label is shortened first).
 *
 * @example
 * progressLine('server.log', 5_242_880, 10_485_760, 120_000, 80)
 * // 'server.log [#################----------------]  50%  5.0/10.0 MB  120,000 lines'
 */
export function progressLine(label: string, bytes: number, total: number, lines: number, width: number): string {
  return progressFrame(label, bytes, total, describeBytes(bytes, total, lines), width);
}

function describeBytes(bytes: number, total: number, lines: number): string {
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  return `${mb(bytes)}/${mb(total)} MB  ${lines.toLocaleString('en-US')} lines`;
}

/**
 * One frame with any figures after the bar: `label [####------]  45%  figures`, fitted to
 * `width` columns.
 */
export function progressFrame(label: string, done: number, total: number, figures: string, width: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = ` ${percent}  ${figures}`;
  // The last column stays free: writing into it wraps some terminals to the next line.
  const usable = width - 1;
  const barWidth = Math.max(10, Math.min(40, usable - tail.length - Math.min(label.length, 24) - 3));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const room = Math.max(0, usable - bar.length - tail.length - 1);
  const name = label.length <= room ? label : room > 1 ? `…${label.slice(label.length - room + 1)}` : '';
  return `${name} ${bar}${tail}`.slice(0, Math.max(0, usable));
}

/**
 * A progress bar on `stream`; a no-op when it is not a terminal.
 *
 * @example
 * const bar = createProgressBar({ stream: process.stderr, total: size, label: file });
 * bar.update(input.bytesRead, lineNumber); … bar.done();
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { stream, total, label } = options;
  const describe = options.describe ?? describeBytes;
  const now = options.now ?? Date.now;
  if (stream.isTTY !== true) return NO_PROGRESS;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(bytes, lines) {
      const t = now();
      if (t - last < REDRAW_MS) return;
      last = t;
      drawn = true;
      // A terminal of unknown size reports 0 columns.
      const width = stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 80;
      stream.write(`\r${progressFrame(label, bytes, total, describe(bytes, total, lines), width)}\x1b[K`);
    },
    done() {
      // Erase the bar so the summary starts on a clean line.
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
