/**
 * A real, tiny filesystem (a tmpfs of a few hundred KB) that a test can fill to the last byte
 * and free again: writes to it then fail with the kernel's own ENOSPC, as on a full disk.
 * Mounting needs root (CI and this project's machines run tests as root).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs. */
export interface TinyDisk {
  path: string;
  /** Writes a filler file until the kernel answers ENOSPC. */
  fill(): void;
  /** Removes the filler file: there is room again. */
  free(): void;
  /** Frees only `bytes` of the filler: room for part of a write. */
  freeSome(bytes: number): void;
  unmount(): void;
}

/** Mounts a tmpfs of `size` (e.g. `"1m"`) on a new temporary directory. */
export function mountTinyDisk(size: string): TinyDisk {
  const path = mkdtempSync(join(tmpdir(), 'ollama-perf-tiny-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`mounting a ${size} tmpfs needs root: ${(error as Error).message}`);
  }
  const filler = join(path, 'filler');
  return {
    path,
    fill() {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    freeSome(bytes) {
      truncateSync(filler, Math.max(0, statSync(filler).size - bytes));
    },
    unmount() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
