// The API key format, checked before any request: `pst_live_` + 32 base62 characters + a 6-character
// base62 CRC-32 of them. A mistyped or truncated key fails here with a clear message instead of a
// 401 from the server. The format's constants come from @postern/contracts/constants (bundled into
// the build); the checksum is the API's key generator's, and a test keeps the two equal.
import {
  API_KEY_PATTERN,
  API_KEY_CHECKSUM_LENGTH as CHECKSUM_LENGTH,
  API_KEY_PREFIX as PREFIX,
  API_KEY_RANDOM_LENGTH as RANDOM_LENGTH,
} from '@postern/contracts/constants';

/** What every Postern API key looks like (`pst_live_` and 38 letters and digits). */
export { API_KEY_PATTERN };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib computes it) of an ASCII string. */
function crc32(text: string): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (crcTable[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, width: number): string {
  let out = '';
  let n = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/**
 * Why a string is not a well-formed Postern API key, or undefined when it is one. The text never
 * repeats the key: error messages end up in logs.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (!key.startsWith(PREFIX)) {
    return `it does not start with "${PREFIX}" (copy the whole key from the dashboard)`;
  }
  const body = key.slice(PREFIX.length);
  if (!/^[0-9A-Za-z]*$/.test(body)) {
    return `after "${PREFIX}" it must contain only letters and digits (check for spaces, line breaks or quotes)`;
  }
  if (body.length !== RANDOM_LENGTH + CHECKSUM_LENGTH) {
    return `it has ${body.length} characters after "${PREFIX}" instead of ${RANDOM_LENGTH + CHECKSUM_LENGTH} (was it cut off?)`;
  }
  const random = body.slice(0, RANDOM_LENGTH);
  if (body.slice(RANDOM_LENGTH) !== base62(crc32(random), CHECKSUM_LENGTH)) {
    return 'its checksum does not match (a character was changed while copying it)';
  }
  return undefined;
}

/** True when `key` has the format of a Postern API key and its checksum matches (no request is made). */
export function isWellFormedApiKey(key: unknown): boolean {
  return typeof key === 'string' && API_KEY_PATTERN.test(key) && apiKeyProblem(key) === undefined;
}
