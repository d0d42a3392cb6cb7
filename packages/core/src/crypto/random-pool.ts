// Random bytes for nonces (AES-GCM IVs) drawn from a pool refilled 64 KiB at a time from the CSPRNG:
// an import seals two values per contact, and one `randomBytes(12)` call per value costs more than
// the encryption of a short value. Each byte is handed out once; the caller gets its own copy.
import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 64 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `n` random bytes (n ≤ 256 from the pool; more straight from the CSPRNG). */
export function pooledRandomBytes(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, offset, offset + n);
  offset += n;
  return out;
}
