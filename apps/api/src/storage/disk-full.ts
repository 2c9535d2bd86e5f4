/**
 * Telling a full disk from other write failures, wherever it comes from: Node's fs
 * (`ENOSPC`, `EDQUOT` over quota), better-sqlite3 (`SQLITE_FULL`), PostgreSQL (SQLSTATE 53100
 * `disk_full`), or an error that crossed the storage thread as a message.
 */

const DISK_FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);
// What those errors say, for errors that lost their code on the way (a thread boundary, a wrapper).
const DISK_FULL_TEXT =
  /\b(ENOSPC|EDQUOT|SQLITE_FULL)\b|no space left on device|database or disk is full|disk quota exceeded/i;

/** The `code` of an error, when it has a string one. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether `error` says the disk (or the quota) is full.
 *
 * @example
 * try { appendFileSync(path, line) } catch (error) { if (isDiskFull(error)) degrade('the disk is full') }
 */
export function isDiskFull(error: unknown): boolean {
  const code = errorCodeOf(error);
  if (code !== undefined && DISK_FULL_CODES.has(code)) return true;
  return DISK_FULL_TEXT.test(error instanceof Error ? error.message : String(error));
}

/** A short reason for /healthz and the log: "the disk is full (…)" or the error's message. */
export function writeFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isDiskFull(error) ? `the disk is full (${message})` : message;
}
