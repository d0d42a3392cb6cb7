// The key format: `pst_live_` + 32 random base62 characters + a 6-character base62 CRC-32 of them.
// The prefix and checksum let secret scanners recognise a leaked key without asking us, and let the
// API reject a mistyped key before any lookup.
import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  API_KEY_RANDOM_LENGTH,
} from '@postern/contracts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: number, width: number): string {
  let out = '';
  let n = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const checksum = (random: string) => base62(crc32(random), API_KEY_CHECKSUM_LENGTH);

export function generateApiKey(): string {
  let random = '';
  // randomInt is uniform (no modulo bias).
  for (let i = 0; i < API_KEY_RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  return `${API_KEY_PREFIX}${random}${checksum(random)}`;
}

/** True when the text has the key's shape and a matching checksum (cheap; no lookup). */
export function isWellFormedApiKey(key: string): boolean {
  if (!API_KEY_PATTERN.test(key)) return false;
  const body = key.slice(API_KEY_PREFIX.length);
  const random = body.slice(0, API_KEY_RANDOM_LENGTH);
  return body.slice(API_KEY_RANDOM_LENGTH) === checksum(random);
}

/** What is stored: SHA-256 of the whole key (keys are long and random, so no salt or slow hash is needed). */
export const apiKeyHash = (key: string) => createHash('sha256').update(key).digest('hex');

/** Shown in lists to recognise a key: the prefix and the first 4 random characters. */
export const displayPrefix = (key: string) => `${key.slice(0, API_KEY_PREFIX.length + 4)}…`;
