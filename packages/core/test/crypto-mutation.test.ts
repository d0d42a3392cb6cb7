// Edges of the keyring and keyed hashes that mutation testing (issue #25, `pnpm mutation --mutate
// 'packages/core/src/crypto/**'`) found untested: strict canonical base64url in ciphertexts and keys,
// the ciphertext parser seen through ciphertextKeyId/needsRotation, argument checks and their messages.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ciphertextKeyId,
  createKeyring,
  encryptionContext,
  hmacKey,
  parseEncryptionKeys,
  randomToken,
} from '../src/crypto/index.ts';
import { DomainError } from '../src/errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same text with its last character's lowest bit flipped: for a field with unused trailing bits
 * (a 16-byte tag, a 32-byte key), it decodes to the same bytes but is not the canonical encoding. */
const flipLastBit = (text: string) => {
  const last = ALPHABET.indexOf(text.at(-1) ?? '');
  return `${text.slice(0, -1)}${ALPHABET[last ^ 1]}`;
};
const withField = (ciphertext: string, index: number, value: string) => {
  const parts = ciphertext.split('.');
  parts[index] = value;
  return parts.join('.');
};
const k1 = { id: 'k1', key: randomBytes(32) };
const context = encryptionContext('app_user', 'row-1', 'totp_secret');

function expectDecryptFailure(run: () => unknown) {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect(caught).toMatchObject({ code: 'INTERNAL' });
}

describe('ciphertext parsing', () => {
  const keyring = createKeyring([k1]);
  const good = keyring.encrypt('a secret', context);

  it('names the key of a well-formed ciphertext, and nothing for anything else', () => {
    expect(ciphertextKeyId(good)).toBe('k1');
    expect(ciphertextKeyId('v1.k1.only-three')).toBeUndefined();
    expect(ciphertextKeyId(42 as unknown as string)).toBeUndefined();
    expect(ciphertextKeyId(undefined as unknown as string)).toBeUndefined();
  });

  it('an encryption context is table:row:field', () => {
    expect(encryptionContext('app_user', 'row-1', 'totp_secret')).toBe('app_user:row-1:totp_secret');
  });

  it.each([
    ['an IV of 11 bytes', 2, randomBytes(11).toString('base64url')],
    ['an IV with a character outside base64url', 2, 'AAAAAAAAAAAAAAA!'],
    ['data with a character outside base64url', 3, 'AAAA+AAA'],
    ['a tag of 15 bytes', 4, randomBytes(15).toString('base64url')],
    ['a tag with a character outside base64url', 4, `${'A'.repeat(21)}=`],
  ])('%s: no key id, flagged for rotation, refused with the one decryption error', (_what, index, value) => {
    const bad = withField(good, index, value);
    expect(ciphertextKeyId(bad)).toBeUndefined();
    expect(keyring.needsRotation(bad)).toBe(true);
    expectDecryptFailure(() => keyring.decrypt(bad, context));
  });

  it('refuses a tag whose unused trailing bits are set (same bytes, not the canonical text)', () => {
    const tag = good.split('.')[4] ?? '';
    const bad = withField(good, 4, flipLastBit(tag));
    expect(Buffer.from(flipLastBit(tag), 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    expect(ciphertextKeyId(bad)).toBeUndefined();
    expectDecryptFailure(() => keyring.decrypt(bad, context));
  });

  it('a non-string ciphertext is refused like any other bad one', () => {
    expect(keyring.needsRotation(42 as unknown as string)).toBe(true);
    expectDecryptFailure(() => keyring.decrypt(42 as unknown as string, context));
  });

  it('refuses a non-string context when encrypting, with its own message', () => {
    expect(() => keyring.encrypt('x', 42 as unknown as string)).toThrow(
      new TypeError('keyring: context must be a string'),
    );
  });
});

describe('keyring keys', () => {
  it('names the offending key by its 1-based position', () => {
    expect(() => createKeyring([k1, { id: 'bad id', key: randomBytes(32) }])).toThrow(
      'keyring: key #2 has an invalid id',
    );
  });

  it('refuses an id that is not a string even when its text would match', () => {
    expect(() => createKeyring([{ id: 123 as unknown as string, key: randomBytes(32) }])).toThrow(
      'keyring: key #1 has an invalid id',
    );
  });
});

describe('ENCRYPTION_KEYS parsing', () => {
  const key = randomBytes(32);
  const b64 = key.toString('base64'); // 43 characters and one '='
  const b64url = key.toString('base64url'); // 43 characters

  it('an empty or blank setting is reported as empty', () => {
    expect(() => parseEncryptionKeys('')).toThrow(/ENCRYPTION_KEYS.*is empty/);
    expect(() => parseEncryptionKeys('   ')).toThrow(/ENCRYPTION_KEYS.*is empty/);
    expect(() => parseEncryptionKeys(undefined as unknown as string)).toThrow(/ENCRYPTION_KEYS.*is empty/);
  });

  it('spaces around entries are ignored', () => {
    const other = randomBytes(32);
    const keys = parseEncryptionKeys(` k1:${b64} ,  k2:${other.toString('base64url')} `);
    expect(keys.map(({ id }) => id)).toEqual(['k1', 'k2']);
    expect(keys[0]?.key.equals(key)).toBe(true);
    expect(keys[1]?.key.equals(other)).toBe(true);
  });

  it.each([
    ['padding in the middle', `${b64.slice(0, 20)}=${b64.slice(20, 43)}`],
    ['padding that makes the length wrong', `${b64url}==`],
    ['unused trailing bits set', flipLastBit(b64url)],
  ])('refuses a key with %s', (_what, encoded) => {
    expect(() => parseEncryptionKeys(`k1:${encoded}`)).toThrow(
      /entry 1 \(id "k1"\): the key is not valid base64/,
    );
  });

  it('refuses a key mixing the base64 and base64url alphabets', () => {
    let mixed = '';
    while (!mixed) {
      const text = randomBytes(32).toString('base64').replace(/=$/, '');
      if (text.includes('+') && text.includes('/')) mixed = text.replace('+', '-');
    }
    expect(Buffer.from(mixed.replaceAll('+', '-').replaceAll('/', '_'), 'base64url')).toHaveLength(32);
    expect(() => parseEncryptionKeys(`k1:${mixed}`)).toThrow(/the key is not valid base64 or base64url/);
  });
});

describe('keyed hashes and tokens', () => {
  it('refuses an empty or non-string secret and purpose, saying which', () => {
    expect(() => hmacKey('', 'refresh-token')).toThrow('hmacKey: secret is empty');
    expect(() => hmacKey(7 as unknown as string, 'refresh-token')).toThrow('hmacKey: secret is empty');
    expect(() => hmacKey('secret', '')).toThrow('hmacKey: purpose is empty');
    expect(() => hmacKey('secret', 7 as unknown as string)).toThrow('hmacKey: purpose is empty');
  });

  it('makes tokens of 16 to 1024 whole bytes, and refuses anything else', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(Buffer.from(randomToken(1024), 'base64url')).toHaveLength(1024);
    for (const bytes of [15, 1025, 16.5, Number.NaN]) {
      expect(() => randomToken(bytes)).toThrow(
        new RangeError('randomToken: bytes must be an integer from 16 to 1024'),
      );
    }
  });
});
