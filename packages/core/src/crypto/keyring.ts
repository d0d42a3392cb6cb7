// The keyring: AES-256-GCM under versioned keys, so keys can be rotated without downtime (SPEC §13).
//
// Ciphertext format (version 1), one ASCII string of five dot-separated fields:
//
//   v1.<keyId>.<iv>.<ciphertext>.<tag>
//
//   - `v1`          format version;
//   - `keyId`       id of the key it was made with: 1–32 of [A-Za-z0-9_-] (never a dot);
//   - `iv`          12 random bytes, fresh for every encryption, unpadded base64url (16 chars);
//   - `ciphertext`  the encrypted bytes (as long as the plaintext; may be empty), unpadded base64url;
//   - `tag`         the 16-byte GCM authentication tag, unpadded base64url (22 chars).
//
// The associated data (AAD) is the UTF-8 encoding of the encryption context (`table:rowId:field`,
// see encryptionContext), so a ciphertext copied to another row or column fails to decrypt. Parsing
// is strict: anything else (other version, unknown key, non-canonical base64url, wrong lengths) is
// rejected. Every decryption failure is the same DomainError('INTERNAL') with no key material in it.
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '@postern/runtime';
import { DomainError } from '../errors.ts';
import { pooledRandomBytes } from './random-pool.ts';
import type { Keyring } from './types.ts';

export const CIPHERTEXT_VERSION = 'v1';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Id and info string of the key derived from POSTERN_SECRET when ENCRYPTION_KEYS is unset (dev/test only). */
export const DEV_KEY_ID = 'dev';
const DEV_KEY_INFO = 'postern-keyring-dev';
const SETTING = 'ENCRYPTION_KEYS';

export interface KeyringKey {
  id: string;
  key: Buffer;
}

const decryptFailure = () => new DomainError('INTERNAL', 'stored secret cannot be decrypted');

/** Decodes unpadded base64url, or undefined unless `text` is its canonical encoding. */
function fromBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

interface ParsedCiphertext {
  keyId: string;
  iv: Buffer;
  data: Buffer;
  tag: Buffer;
}

function parseCiphertext(ciphertext: string): ParsedCiphertext | undefined {
  if (typeof ciphertext !== 'string') return undefined;
  const parts = ciphertext.split('.');
  if (parts.length !== 5) return undefined;
  const [version, keyId, ivText, dataText, tagText] = parts as [string, string, string, string, string];
  if (version !== CIPHERTEXT_VERSION || !KEY_ID.test(keyId)) return undefined;
  const iv = fromBase64url(ivText);
  const data = fromBase64url(dataText);
  const tag = fromBase64url(tagText);
  if (!iv || !data || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  return { keyId, iv, data, tag };
}

/** The key id a ciphertext names, or undefined when it is not a well-formed v1 ciphertext. */
export function ciphertextKeyId(ciphertext: string): string | undefined {
  return parseCiphertext(ciphertext)?.keyId;
}

/**
 * A keyring over `keys`, newest first: the first key encrypts, every key decrypts. Each key must be
 * exactly 32 bytes and ids must be unique and match [A-Za-z0-9_-]{1,32}.
 */
export function createKeyring(keys: readonly KeyringKey[]): Keyring {
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('keyring: at least one key is required');
  // KeyObjects made once: a raw Buffer key is re-imported by OpenSSL on every cipher (2–3× the cost).
  const byId = new Map<string, KeyObject>();
  keys.forEach(({ id, key }, index) => {
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new Error(`keyring: key #${index + 1} has an invalid id (expected 1-32 of A-Z a-z 0-9 _ -)`);
    }
    if (byId.has(id)) throw new Error(`keyring: key id "${id}" appears more than once`);
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
      throw new Error(`keyring: key "${id}" must be exactly ${KEY_BYTES} bytes`);
    }
    // A private copy: later changes to the caller's buffer cannot alter the keyring.
    byId.set(id, createSecretKey(Buffer.from(key)));
  });
  const currentKeyId = (keys[0] as KeyringKey).id;
  const currentKey = byId.get(currentKeyId) as KeyObject;

  const decrypt = (ciphertext: string, context: string): Buffer => {
    const parsed = parseCiphertext(ciphertext);
    const key = parsed && byId.get(parsed.keyId);
    if (!parsed || !key || typeof context !== 'string') throw decryptFailure();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.data), decipher.final()]);
    } catch {
      throw decryptFailure();
    }
  };

  return {
    currentKeyId,
    encrypt(plaintext: string | Buffer, context: string): string {
      if (typeof context !== 'string') throw new TypeError('keyring: context must be a string');
      const iv = pooledRandomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const input = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
      const data = Buffer.concat([cipher.update(input), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        CIPHERTEXT_VERSION,
        currentKeyId,
        iv.toString('base64url'),
        data.toString('base64url'),
        tag.toString('base64url'),
      ].join('.');
    },
    decrypt,
    decryptString(ciphertext: string, context: string): string {
      return decrypt(ciphertext, context).toString('utf8');
    },
    needsRotation(ciphertext: string): boolean {
      // Anything that is not a well-formed ciphertext under the current key needs attention; the
      // rotation then reports it as failed when it cannot be decrypted.
      return parseCiphertext(ciphertext)?.keyId !== currentKeyId;
    },
  };
}

/**
 * Parses ENCRYPTION_KEYS: `id:base64key,id2:base64key`, newest first. Keys are standard base64 or
 * base64url (padding optional) and must decode to exactly 32 bytes. Errors name the entry (1-based)
 * and never repeat the key text.
 */
export function parseEncryptionKeys(setting: string): KeyringKey[] {
  if (typeof setting !== 'string' || setting.trim() === '') {
    throw new ConfigError(SETTING, 'is empty (expected id:base64key[,id:base64key…], newest first)');
  }
  const keys: KeyringKey[] = [];
  const seen = new Set<string>();
  setting.split(',').forEach((rawEntry, index) => {
    const where = `entry ${index + 1}`;
    const entry = rawEntry.trim();
    const colon = entry.indexOf(':');
    if (colon === -1) throw new ConfigError(SETTING, `${where} must be id:base64key`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id))
      throw new ConfigError(SETTING, `${where} has an invalid key id (expected 1-32 of A-Z a-z 0-9 _ -)`);
    if (seen.has(id)) throw new ConfigError(SETTING, `${where} repeats the key id "${id}"`);
    seen.add(id);
    const key = decodeKey(encoded);
    if (!key)
      throw new ConfigError(SETTING, `${where} (id "${id}"): the key is not valid base64 or base64url`);
    if (key.length !== KEY_BYTES) {
      throw new ConfigError(
        SETTING,
        `${where} (id "${id}"): the key must decode to exactly ${KEY_BYTES} bytes, got ${key.length} (e.g. \`openssl rand -base64 32\`)`,
      );
    }
    keys.push({ id, key });
  });
  return keys;
}

/** Strict base64/base64url decoding (Node's decoder silently skips invalid characters). */
function decodeKey(encoded: string): Buffer | undefined {
  const unpadded = encoded.replace(/={1,2}$/, '');
  if (encoded !== unpadded && encoded.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/_-]+$/.test(unpadded) || (/[+/]/.test(unpadded) && /[-_]/.test(unpadded)))
    return undefined;
  const normalized = unpadded.replaceAll('+', '-').replaceAll('/', '_');
  const key = Buffer.from(normalized, 'base64url');
  // Canonical only: rejects a dangling character or non-zero trailing bits.
  return key.toString('base64url') === normalized ? key : undefined;
}

/**
 * The keyring of a process: ENCRYPTION_KEYS when set; otherwise (development and test only) one key
 * derived from POSTERN_SECRET with HKDF-SHA-256 (info `postern-keyring-dev`, id `dev`).
 */
export function keyringFromConfig(config: {
  encryptionKeys?: string | undefined;
  secret: string;
  env: string;
}) {
  if (config.encryptionKeys) return createKeyring(parseEncryptionKeys(config.encryptionKeys));
  if (config.env === 'production') {
    throw new ConfigError(SETTING, 'is required when NODE_ENV=production');
  }
  const key = Buffer.from(hkdfSync('sha256', config.secret, Buffer.alloc(0), DEV_KEY_INFO, KEY_BYTES));
  return createKeyring([{ id: DEV_KEY_ID, key }]);
}
