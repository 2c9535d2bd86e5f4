/**
 * How big a benchmark run is. Every section has one preset of sizes per mode:
 * `tiny` (the test suite: proves the code runs, figures meaningless), `quick` (~30 s in all),
 * `default` (`pnpm bench`, ~10 min on 2 cores, writes RESULTS.md) and `full` (adds the 10M-record
 * stats database and longer rounds).
 */

/** A run size. */
export type Mode = 'tiny' | 'quick' | 'default' | 'full';

/** Where a section writes its progress lines. */
export type Log = (line: string) => void;

/** A logger that drops everything (tests). */
export const silent: Log = () => undefined;
