import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  DEV_KEY_ID,
  encryptionContext,
  hashesEqual,
  hmacKey,
  type Keyring,
  keyedHash,
  keyringFromConfig,
  parseEncryptionKeys,
  randomToken,
} from '../src/crypto/index.ts';
import { DomainError } from '../src/errors.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const rowA = encryptionContext('app_user', '3f0c9a52-3c4e-4a4f-9a43-5a1c2c7b8d01', 'totp_secret');
const rowB = encryptionContext('app_user', '7d2e1b40-9f8a-4e55-8c1d-0b6f3e2a9c77', 'totp_secret');

function expectUndecryptable(keyring: Keyring, ciphertext: string, context: string) {
  let caught: unknown;
  try {
    keyring.decrypt(ciphertext, context);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect(caught).toMatchObject({ code: 'INTERNAL', message: 'stored secret cannot be decrypted' });
  const text = `${String(caught)} ${JSON.stringify(caught)} ${(caught as Error).stack ?? ''}`;
  for (const { key } of [k1, k2]) {
    expect(text).not.toContain(key.toString('base64'));
    expect(text).not.toContain(key.toString('base64url'));
    expect(text).not.toContain(key.toString('hex'));
  }
}

/** Replaces field `index` (0-based) of a v1 ciphertext. */
function withField(ciphertext: string, index: number, value: string): string {
  const parts = ciphertext.split('.');
  parts[index] = value;
  return parts.join('.');
}

function flipFirstByte(b64url: string): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('keyring', () => {
  const keyring = createKeyring([k1]);

  it('round-trips strings and buffers, and uses the documented v1 format', () => {
    const ciphertext = keyring.encrypt('JBSWY3DPEHPK3PXP', rowA);
    expect(ciphertext).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    expect(ciphertext).not.toContain('JBSWY3DPEHPK3PXP');
    expect(keyring.decryptString(ciphertext, rowA)).toBe('JBSWY3DPEHPK3PXP');

    const bytes = randomBytes(100);
    expect(keyring.decrypt(keyring.encrypt(bytes, rowA), rowA).equals(bytes)).toBe(true);
    expect(keyring.decryptString(keyring.encrypt('', rowA), rowA)).toBe('');
    expect(keyring.decryptString(keyring.encrypt('pässwörd ✓', rowA), rowA)).toBe('pässwörd ✓');
    expect(keyring.currentKeyId).toBe('k1');
  });

  it('uses a fresh random IV: two encryptions of the same value differ', () => {
    const a = keyring.encrypt('same secret', rowA);
    const b = keyring.encrypt('same secret', rowA);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(keyring.decryptString(a, rowA)).toBe(keyring.decryptString(b, rowA));
  });

  it('refuses a ciphertext copied to another row, column or table (context is the AAD)', () => {
    const ciphertext = keyring.encrypt('row A secret', rowA);
    expectUndecryptable(keyring, ciphertext, rowB);
    expectUndecryptable(
      keyring,
      ciphertext,
      encryptionContext('app_user', rowA.split(':')[1] ?? '', 'other'),
    );
    expectUndecryptable(keyring, ciphertext, '');
  });

  it('refuses tampered ciphertext, tag or IV', () => {
    const ciphertext = keyring.encrypt('do not touch', rowA);
    const [, , iv = '', data = '', tag = ''] = ciphertext.split('.');
    expectUndecryptable(keyring, withField(ciphertext, 3, flipFirstByte(data)), rowA);
    expectUndecryptable(keyring, withField(ciphertext, 4, flipFirstByte(tag)), rowA);
    expectUndecryptable(keyring, withField(ciphertext, 2, flipFirstByte(iv)), rowA);
    // A truncated tag must not be accepted (GCM would otherwise verify fewer bits).
    expectUndecryptable(
      keyring,
      withField(ciphertext, 4, Buffer.from(tag, 'base64url').subarray(0, 12).toString('base64url')),
      rowA,
    );
  });

  it('refuses malformed text and unknown versions', () => {
    const ciphertext = keyring.encrypt('x', rowA);
    for (const bad of [
      '',
      'garbage',
      'v1.k1',
      `${ciphertext}.extra`,
      ciphertext.replace(/^v1\./, 'v2.'),
      `${ciphertext}=`,
      withField(ciphertext, 2, `${ciphertext.split('.')[2]}==`),
      withField(ciphertext, 3, '!!!!'),
    ]) {
      expectUndecryptable(keyring, bad, rowA);
    }
  });

  it('refuses a ciphertext under an unknown key id', () => {
    const other = createKeyring([k2]);
    expectUndecryptable(keyring, other.encrypt('secret', rowA), rowA);
    // Relabelling a ciphertext with a known key id does not help either.
    expectUndecryptable(keyring, withField(other.encrypt('secret', rowA), 1, 'k1'), rowA);
  });

  it('keeps decrypting old ciphertexts after a new key is added first, and flags them for rotation', () => {
    const old = createKeyring([k1]).encrypt('made under k1', rowA);
    const rotated = createKeyring([k2, k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decryptString(old, rowA)).toBe('made under k1');
    expect(rotated.needsRotation(old)).toBe(true);

    const fresh = rotated.encrypt('made under k2', rowA);
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(rotated.needsRotation('not a ciphertext')).toBe(true);
    // Once k1 is removed, its ciphertexts are gone for good.
    expectUndecryptable(createKeyring([k2]), old, rowA);
  });

  it('validates its keys', () => {
    expect(() => createKeyring([])).toThrow(/at least one key/);
    expect(() => createKeyring([{ id: 'short', key: randomBytes(16) }])).toThrow(/exactly 32 bytes/);
    expect(() => createKeyring([{ id: 'long', key: randomBytes(33) }])).toThrow(/exactly 32 bytes/);
    expect(() => createKeyring([k1, { id: 'k1', key: randomBytes(32) }])).toThrow(/more than once/);
    expect(() => createKeyring([{ id: 'has.dot', key: randomBytes(32) }])).toThrow(/invalid id/);
    expect(() => createKeyring([{ id: '', key: randomBytes(32) }])).toThrow(/invalid id/);
  });
});

describe('parseEncryptionKeys', () => {
  const b64 = (key: Buffer) => key.toString('base64');

  it('parses id:key pairs, newest first, in base64 or base64url, padded or not', () => {
    const key3 = Buffer.from('fb'.repeat(32), 'hex'); // base64 of 0xfb… contains + and /
    const setting = `k2:${b64(k2.key)},k1:${k1.key.toString('base64url')},k3:${b64(key3).replace(/=+$/, '')}`;
    const keys = parseEncryptionKeys(setting);
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1', 'k3']);
    expect(keys[0]?.key.equals(k2.key)).toBe(true);
    expect(keys[1]?.key.equals(k1.key)).toBe(true);
    expect(keys[2]?.key.equals(key3)).toBe(true);
    expect(createKeyring(keys).currentKeyId).toBe('k2');
  });

  it('rejects bad entries with an error naming the entry but never the key', () => {
    const short = randomBytes(24).toString('base64');
    const long = randomBytes(40).toString('base64');
    const good = b64(k1.key);
    const cases: [string, RegExp, string[]][] = [
      [`k1:${good},k2:${short}`, /entry 2 .*exactly 32 bytes, got 24/, [short, good]],
      [`k1:${long}`, /entry 1 .*exactly 32 bytes, got 40/, [long]],
      [`k1:${good},k1:${b64(k2.key)}`, /entry 2 repeats the key id "k1"/, [good, b64(k2.key)]],
      [`k1:${good},${good}`, /entry 2 must be id:base64key/, [good]],
      [`k1:${good.slice(0, 20)}!@#$${good.slice(24)}`, /entry 1 .*not valid base64/, [good.slice(0, 20)]],
      [`k1:${good},k2:${good.replaceAll('+', '-').replaceAll('/', '_').slice(0, -2)}+/`, /entry 2/, [good]],
      [`bad id:${good}`, /entry 1 has an invalid key id/, [good]],
      ['', /is empty/, []],
    ];
    for (const [setting, message, secrets] of cases) {
      let caught: unknown;
      try {
        parseEncryptionKeys(setting);
      } catch (error) {
        caught = error;
      }
      expect(caught, setting).toBeInstanceOf(Error);
      const text = String((caught as Error).message);
      expect(text).toMatch(/^ENCRYPTION_KEYS: /);
      expect(text).toMatch(message);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe('keyringFromConfig', () => {
  const secret = 'a-development-secret-that-is-long-enough-0123456789';

  it('uses ENCRYPTION_KEYS when set', () => {
    const keyring = keyringFromConfig({
      encryptionKeys: `k2:${k2.key.toString('base64')},k1:${k1.key.toString('base64')}`,
      secret,
      env: 'production',
    });
    expect(keyring.currentKeyId).toBe('k2');
    expect(keyring.decryptString(createKeyring([k1]).encrypt('old', rowA), rowA)).toBe('old');
  });

  it('derives a stable dev key from the secret outside production, and refuses that in production', () => {
    const a = keyringFromConfig({ secret, env: 'development' });
    const b = keyringFromConfig({ encryptionKeys: undefined, secret, env: 'test' });
    expect(a.currentKeyId).toBe(DEV_KEY_ID);
    expect(b.decryptString(a.encrypt('dev value', rowA), rowA)).toBe('dev value');
    expectUndecryptable(
      keyringFromConfig({ secret: `${secret}-other`, env: 'test' }),
      a.encrypt('x', rowA),
      rowA,
    );
    expect(() => keyringFromConfig({ secret, env: 'production' })).toThrow(/ENCRYPTION_KEYS: is required/);
  });
});

describe('keyed hashes and random tokens', () => {
  const secret = 'a-secret-of-at-least-32-characters-for-tests';

  it('is deterministic per purpose and differs across purposes and secrets', () => {
    const a = keyedHash(secret, 'refresh-token', 'token-value');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash(secret, 'refresh-token', 'token-value')).toBe(a);
    expect(keyedHash(secret, 'recovery-code', 'token-value')).not.toBe(a);
    expect(keyedHash(secret, 'refresh-token', 'other-value')).not.toBe(a);
    expect(keyedHash(`${secret}!`, 'refresh-token', 'token-value')).not.toBe(a);
    expect(hmacKey(secret, 'refresh-token')).toHaveLength(32);
    expect(hmacKey(secret, 'refresh-token').equals(hmacKey(secret, 'email-token'))).toBe(false);
    expect(hashesEqual(a, keyedHash(secret, 'refresh-token', 'token-value'))).toBe(true);
    expect(hashesEqual(a, keyedHash(secret, 'refresh-token', 'other-value'))).toBe(false);
    expect(hashesEqual(a, a.slice(1))).toBe(false);
    expect(() => hmacKey(secret, '')).toThrow(/purpose/);
  });

  it('makes unpadded base64url random tokens', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(token);
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(() => randomToken(8)).toThrow(RangeError);
  });
});
