// Per-person keys (crypto-shredding; table subject_key, see packages/db/src/entities/subject-key.ts).
// Data that must outlive a person's erasure as proof that something happened — audit entries, the
// consent ledger — is sealed under the person's own random key; erasure deletes the key, so the rows
// stay (and hashes over them still verify) but nobody can read who they were about.
//
// Sealed format (version 1), one ASCII string: `s1.<iv>.<ciphertext>.<tag>` (AES-256-GCM, 12-byte IV,
// 16-byte tag, unpadded base64url), with the caller's context (e.g. `audit_entry:<id>:personal`) as
// associated data, so a sealed value copied to another row fails to open.
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { EntityManager } from '@postern/db';
import { DomainError } from '../errors.ts';
import { KEY_BYTES } from './keyring.ts';
import { pooledRandomBytes } from './random-pool.ts';
import { encryptionContext, type Keyring } from './types.ts';

/**
 * Whose key: an account, a workspace's contact, a workspace itself (what its API keys did), or the
 * instance (the personal data of nobody with an account, e.g. a failed sign-in to an unknown address).
 */
export type SubjectType = 'user' | 'contact' | 'workspace' | 'instance';

export interface Subject {
  type: SubjectType;
  id: string;
  /** The contact's workspace (contacts), the workspace itself (workspaces); erased with it. */
  workspaceId?: string | null | undefined;
  /**
   * Written in the same flush (e.g. the account of a sign-up): its key is made without checking that
   * its row exists. Otherwise an account gets a key only while its row exists.
   */
  isNew?: boolean | undefined;
}

/** The instance's own subject id (the nil UUID). */
export const INSTANCE_SUBJECT_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The row a subject's key may only be made for while it exists: a key made after the person's erasure
 * committed would make their data readable again (`for share` waits for an erasure in progress). A
 * workspace needs no such guard: its API keys are refused from the deletion request on, 30 days before.
 */
const OWNER_TABLE: Partial<Record<SubjectType, string>> = { user: 'app_user' };

/** The map key of a subject in the result of `loadSubjectKeys`. */
export const subjectRef = (subject: Pick<Subject, 'type' | 'id'>) => `${subject.type}:${subject.id}`;

const SEALED_VERSION = 's1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface KeyRow {
  id: string;
  subject_type: string;
  subject_id: string;
  key: string;
}

const keyContext = (rowId: string) => encryptionContext('subject_key', rowId, 'key');

/**
 * The keys of `subjects` (map keyed by `subjectRef`). With `create`, a subject without a key gets one
 * (concurrent creators agree: insert … on conflict do nothing, then read) — an account only while
 * its row exists (or `isNew`), so an erased person's key never comes back; without it, a
 * subject whose key was destroyed (or never made) is absent from the map. Runs in `em`'s transaction
 * when it has one.
 */
export async function loadSubjectKeys(
  em: EntityManager,
  keyring: Keyring,
  subjects: readonly Subject[],
  options: { create?: boolean } = {},
): Promise<Map<string, KeyObject>> {
  const unique = new Map(subjects.map((subject) => [subjectRef(subject), subject]));
  const result = new Map<string, KeyObject>();
  if (unique.size === 0) return result;
  await readKeys(em, keyring, [...unique.values()], result);
  const missing = [...unique.values()].filter((subject) => !result.has(subjectRef(subject)));
  if (!options.create || missing.length === 0) return result;
  for (const subject of missing) await createKey(em, keyring, subject);
  await readKeys(em, keyring, missing, result);
  return result;
}

/** Reads keys per subject type with `subject_id in (…uuid)`, which uses the unique index. */
async function readKeys(
  em: EntityManager,
  keyring: Keyring,
  subjects: readonly Subject[],
  into: Map<string, KeyObject>,
): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const subject of subjects) byType.set(subject.type, [...(byType.get(subject.type) ?? []), subject.id]);
  for (const [type, ids] of byType) {
    const rows = (await em.getConnection().execute(
      `select id, subject_type, subject_id, key from subject_key
         where subject_type = ? and subject_id in (${ids.map(() => '?::uuid').join(', ')})`,
      [type, ...ids],
      'all',
      em.getTransactionContext(),
    )) as KeyRow[];
    for (const row of rows) {
      const key = keyring.decrypt(row.key, keyContext(row.id));
      into.set(`${row.subject_type}:${row.subject_id}`, createSecretKey(key));
    }
  }
}

async function createKey(em: EntityManager, keyring: Keyring, subject: Subject): Promise<void> {
  const id = randomUUID();
  const values = [
    id,
    subject.type,
    subject.id,
    subject.workspaceId ?? null,
    keyring.encrypt(randomBytes(KEY_BYTES), keyContext(id)),
  ];
  const owner = subject.isNew ? undefined : OWNER_TABLE[subject.type];
  const source = owner
    ? `select ?::uuid, ?, ?::uuid, ?::uuid, ?, now() from ${owner} where id = ? for share`
    : 'select ?::uuid, ?, ?::uuid, ?::uuid, ?, now()';
  await em.getConnection().execute(
    `insert into subject_key (id, subject_type, subject_id, workspace_id, key, created_at) ${source}
         on conflict (subject_type, subject_id) do nothing`,
    owner ? [...values, subject.id] : values,
    'run',
    em.getTransactionContext(),
  );
}

/** Seals `plaintext` under a subject's key, bound to `context` (table:row:field of where it is kept). */
export function sealForSubject(key: KeyObject, plaintext: string, context: string): string {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    SEALED_VERSION,
    iv.toString('base64url'),
    data.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/**
 * Opens a value sealed by `sealForSubject`; `null` when the key is gone (the person was erased).
 * A value that does not open with the key it names (altered, or moved to another row) throws INTERNAL.
 */
export function openForSubject(key: KeyObject | undefined, sealed: string, context: string): string | null {
  if (!key) return null;
  const parts = sealed.split('.');
  const [version, ivText, dataText, tagText] = parts;
  if (parts.length !== 4 || version !== SEALED_VERSION || !ivText || dataText === undefined || !tagText)
    throw new DomainError('INTERNAL', 'sealed personal data is malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new DomainError('INTERNAL', 'sealed personal data cannot be opened');
  }
}

/** Destroys the keys of the given subjects (erasure); returns how many existed. */
export async function destroySubjectKeys(
  em: EntityManager,
  type: SubjectType,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = (await em
    .getConnection()
    .execute(
      `delete from subject_key where subject_type = ? and subject_id::text in (${ids.map(() => '?').join(', ')}) returning id`,
      [type, ...ids],
      'all',
      em.getTransactionContext(),
    )) as { id: string }[];
  return rows.length;
}
