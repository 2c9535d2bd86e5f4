/** UUIDv7 record ids: time-ordered (good for B-tree inserts), random enough to never collide. */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Random bytes are drawn 4 KiB at a time: one getRandomValues() call per id costs tens of
// microseconds on a busy server (OpenSSL checks the pid on every call), 256 ids share one here.
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

/**
 * A UUIDv7 (RFC 9562) for the given Unix time in ms, with 74 random bits from Web Crypto.
 *
 * @example
 * uuidv7() // '01936c5e-8f3a-7b2c-9d4e-5f6a7b8c9d0e'
 */
export function uuidv7(unixMs: number = Date.now()): string {
  if (poolAt + 16 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const bytes = POOL.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  let ms = Math.max(0, Math.floor(unixMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] as number];
  }
  return out;
}
