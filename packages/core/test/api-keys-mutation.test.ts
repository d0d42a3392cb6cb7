// The API key format, pinned from outside (issue #25, `pnpm mutation --mutate
// 'packages/core/src/api-keys/**'`): the checksum decoded as base62 is the CRC-32 of the random part,
// every base62 character is used, any changed character is refused, the stored hash is SHA-256 of
// the whole key and the displayed prefix is the key's first four random characters.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apiKeyHash, displayPrefix, generateApiKey, isWellFormedApiKey } from '../src/api-keys/format.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'pst_live_';
const fromBase62 = (text: string) => [...text].reduce((n, c) => n * 62 + ALPHABET.indexOf(c), 0);
const replaceAt = (text: string, index: number, char: string) =>
  `${text.slice(0, index)}${char}${text.slice(index + 1)}`;

describe('API key format', () => {
  const keys = Array.from({ length: 200 }, generateApiKey);

  it('pst_live_ + 32 random base62 characters + their CRC-32 in 6 base62 characters', () => {
    for (const key of keys) {
      expect(key).toMatch(/^pst_live_[0-9A-Za-z]{38}$/);
      const random = key.slice(PREFIX.length, PREFIX.length + 32);
      expect(fromBase62(key.slice(PREFIX.length + 32))).toBe(crc32(random));
      expect(isWellFormedApiKey(key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('draws from all 62 characters', () => {
    const seen = new Set(keys.flatMap((key) => [...key.slice(PREFIX.length, PREFIX.length + 32)]));
    expect([...seen].sort().join('')).toBe([...ALPHABET].sort().join(''));
  });

  it('refuses a key with any one character changed, a wrong prefix or length', () => {
    const key = keys[0] ?? '';
    for (let i = PREFIX.length; i < key.length; i++) {
      const other = ALPHABET[(ALPHABET.indexOf(key[i] ?? '0') + 1) % 62] ?? '0';
      expect(isWellFormedApiKey(replaceAt(key, i, other))).toBe(false);
    }
    expect(isWellFormedApiKey(`pst_test_${key.slice(PREFIX.length)}`)).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}0`)).toBe(false);
  });

  it('stores SHA-256 of the whole key and shows its first four random characters', () => {
    const key = keys[1] ?? '';
    expect(apiKeyHash(key)).toBe(createHash('sha256').update(key, 'utf8').digest('hex'));
    expect(displayPrefix(key)).toBe(`${key.slice(0, PREFIX.length + 4)}…`);
    expect(displayPrefix(key)).toHaveLength(PREFIX.length + 5);
  });
});
