// Per-contact keys in bulk. The same table and format as crypto/subject-keys.ts (`subject_key`, 32
// random bytes sealed with the keyring under `subject_key:<row id>:key`), read and written with one
// set-based statement each: loadSubjectKeys matches `(subject_type, subject_id::text) in (…)`, which
// cannot use the unique index and took ~40 s for a 10,000-row import (a scan per batch).
// TODO(subject-keys owner): fold this into loadSubjectKeys and delete it.
import { createSecretKey, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { type EntityManager, execute } from '@postern/db';
import { KEY_BYTES } from '../crypto/keyring.ts';
import { encryptionContext, type Keyring } from '../crypto/types.ts';
import { jsonParam } from './shared.ts';

const keyContext = (rowId: string) => encryptionContext('subject_key', rowId, 'key');

async function readKeys(
  em: EntityManager,
  keyring: Keyring,
  ids: readonly string[],
  into: Map<string, KeyObject>,
) {
  const rows = await execute<{ id: string; subject_id: string; key: string }[]>(
    em,
    `select id, subject_id, key from subject_key
      where subject_type = 'contact' and subject_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [jsonParam(ids)],
  );
  for (const row of rows)
    into.set(row.subject_id, createSecretKey(keyring.decrypt(row.key, keyContext(row.id))));
}

/**
 * The keys of contacts (contact id → key), created for existing contacts without one (concurrent
 * creators agree); an erased contact gets none (its ledger write then fails and rolls back).
 */
export async function contactKeys(
  em: EntityManager,
  keyring: Keyring,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<Map<string, KeyObject>> {
  const unique = [...new Set(contactIds)];
  const keys = new Map<string, KeyObject>();
  if (!unique.length) return keys;
  await readKeys(em, keyring, unique, keys);
  // A key is made only for a contact that still exists (`for share` waits for an erasure in progress):
  // a key made after the erasure committed would give the erased id a readable future.
  const lacking = unique.filter((id) => !keys.has(id));
  if (!lacking.length) return keys;
  const alive = await execute<{ id: string }[]>(
    em,
    'select id from contact where id in (select jsonb_array_elements_text(?::jsonb)::uuid) for share',
    [jsonParam(lacking)],
  );
  const missing = alive.map((row) => row.id);
  if (!missing.length) return keys;
  const fresh = new Map<string, { subjectId: string; bytes: Buffer }>();
  const rows = missing.map((subjectId) => {
    const id = randomUUID();
    const bytes = randomBytes(KEY_BYTES);
    fresh.set(id, { subjectId, bytes });
    return { id, subject_id: subjectId, key: keyring.encrypt(bytes, keyContext(id)) };
  });
  const inserted = await execute<{ id: string }[]>(
    em,
    `insert into subject_key (id, subject_type, subject_id, workspace_id, key, created_at)
       select r.id, 'contact', r.subject_id, ?, r.key, now()
         from jsonb_to_recordset(?::jsonb) as r(id uuid, subject_id uuid, key text)
       on conflict (subject_type, subject_id) do nothing returning id`,
    [workspaceId, jsonParam(rows)],
  );
  // The keys just stored are known in clear; only those a concurrent creator won are read back.
  for (const row of inserted) {
    const made = fresh.get(row.id);
    if (made) keys.set(made.subjectId, createSecretKey(made.bytes));
  }
  const raced = missing.filter((id) => !keys.has(id));
  if (raced.length) await readKeys(em, keyring, raced, keys);
  return keys;
}
