/**
 * Ids for imported records, derived from what was imported: the same source line always
 * gets the same id, so importing a file twice stores nothing new (MetricStore.insert
 * skips known ids). Shaped as a UUID (RFC 9562 version 8, the "custom" layout, built from
 * SHA-256 as its appendix B.2 shows), so they sit next to the gateway's UUIDv7 ids.
 */
import { createHash } from 'node:crypto';

/**
 * The id of the record imported from `line` of a file of kind `kind`.
 *
 * @example
 * importedRecordId('gin', '[GIN] 2025/11/05 - 16:14:34 | 200 | 1.2s | ::1 | POST "/api/chat"')
 * // e.g. '3f0c…-…-8…-…-…' (always the same for this line)
 */
export function importedRecordId(kind: string, line: string): string {
  const hex = createHash('sha256').update(`${kind}\n${line}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
