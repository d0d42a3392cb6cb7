// The suppression key: what the suppression ledger's address hashes are made with. Its own random
// 32-byte key (table suppression_key), generated on first use and sealed with the keyring — NEVER
// derived from POSTERN_SECRET, whose rotation would silently un-suppress everyone, and never replaced:
// a new version may be added (addSuppressionKeyVersion), old versions are kept, new suppressions are
// hashed under the newest and every lookup computes the hash under each version. Keyring rotation
// re-encrypts the sealed key (ENCRYPTED_FIELDS) but the key bytes, and so the hashes, stay the same.
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { type EntityManager, execute } from '@postern/db';
import { KEY_BYTES } from '../crypto/keyring.ts';
import { encryptionContext, type Keyring } from '../crypto/types.ts';

export interface SuppressionKey {
  version: number;
  key: KeyObject;
}

const keyContext = (version: number) => encryptionContext('suppression_key', String(version), 'key');

// Decrypted keys, by their sealed text (unique: a random IV each), so a process decrypts each once and
// still sees a version another process added or a re-encryption by rotation. Not personal data.
const opened = new Map<string, KeyObject>();

async function readKeys(em: EntityManager, keyring: Keyring): Promise<SuppressionKey[]> {
  const rows = await execute<{ version: number; key: string }[]>(
    em,
    'select version, key from suppression_key order by version desc',
  );
  return rows.map((row) => {
    let key = opened.get(row.key);
    if (!key) {
      key = createSecretKey(keyring.decrypt(row.key, keyContext(row.version)));
      if (opened.size > 256) opened.clear();
      opened.set(row.key, key);
    }
    return { version: row.version, key };
  });
}

/**
 * Every version of the suppression key, newest first. With `create`, the first key is made when there
 * is none (concurrent first users agree: insert … on conflict do nothing, then read). Without it an
 * empty list means nothing was ever suppressed.
 */
export async function loadSuppressionKeys(
  em: EntityManager,
  keyring: Keyring,
  options: { create?: boolean } = {},
): Promise<SuppressionKey[]> {
  const keys = await readKeys(em, keyring);
  if (keys.length || !options.create) return keys;
  await execute(
    em,
    'insert into suppression_key (version, key, created_at) values (1, ?, now()) on conflict (version) do nothing',
    [keyring.encrypt(randomBytes(KEY_BYTES), keyContext(1))],
    'run',
  );
  return readKeys(em, keyring);
}

/**
 * Adds a new key version (an operator's decision, e.g. after a suspected leak of the old key's bytes):
 * new suppressions use it, old ones keep matching under their version. Returns the new version.
 */
export async function addSuppressionKeyVersion(em: EntityManager, keyring: Keyring): Promise<number> {
  for (;;) {
    const [row] = await execute<{ next: number }[]>(
      em,
      'select coalesce(max(version), 0) + 1 as next from suppression_key',
    );
    const version = Number(row?.next ?? 1);
    const result = await execute<{ affectedRows: number }>(
      em,
      'insert into suppression_key (version, key, created_at) values (?, ?, now()) on conflict (version) do nothing',
      [version, keyring.encrypt(randomBytes(KEY_BYTES), keyContext(version))],
      'run',
    );
    if (result.affectedRows === 1) return version;
  }
}

/**
 * The keyed hash of a normalised address in a workspace (hex): bound to the workspace, so the same
 * person suppressed by two workspaces cannot be linked across them in a dump.
 */
export function suppressionHash(key: SuppressionKey, workspaceId: string, normalized: string): string {
  return createHmac('sha256', key.key).update(`${workspaceId}\n${normalized}`, 'utf8').digest('hex');
}
