// Keyed hashes for secrets that only need checking (refresh tokens, recovery codes, email tokens):
// HMAC-SHA-256 under a per-purpose key derived from POSTERN_SECRET, so a database dump alone lets no
// one test guesses, and a hash made for one purpose is useless for another. Plus random tokens.
import {
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const HMAC_KEY_INFO_PREFIX = 'postern-hmac:';

/**
 * The 32-byte HMAC key of one purpose (e.g. `refresh-token`), derived from `secret` with HKDF-SHA-256
 * (empty salt, info `postern-hmac:<purpose>`).
 */
export function hmacKey(secret: string, purpose: string): Buffer {
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('hmacKey: secret is empty');
  if (typeof purpose !== 'string' || purpose.length === 0) throw new Error('hmacKey: purpose is empty');
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `${HMAC_KEY_INFO_PREFIX}${purpose}`, 32));
}

// HKDF per call would dominate hot paths (the validation cache key is computed on every check), and
// an HMAC made from a KeyObject costs ~1.6 µs against ~9.6 µs from a Buffer (measured on Node 24).
const derivedKeys = new Map<string, KeyObject>();

/** HMAC-SHA-256 of `value` under the purpose's key, as 64 lowercase hex characters. */
export function keyedHash(secret: string, purpose: string, value: string | Buffer): string {
  const id = `${purpose}\u0000${secret}`;
  let key = derivedKeys.get(id);
  if (!key) {
    key = createSecretKey(hmacKey(secret, purpose));
    if (derivedKeys.size > 64) derivedKeys.clear();
    derivedKeys.set(id, key);
  }
  return createHmac('sha256', key).update(value).digest('hex');
}

/** Compares two hex digests in constant time (false when lengths differ). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `bytes` (at least 16) cryptographically random bytes as unpadded base64url. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new RangeError('randomToken: bytes must be an integer from 16 to 1024');
  }
  return randomBytes(bytes).toString('base64url');
}
