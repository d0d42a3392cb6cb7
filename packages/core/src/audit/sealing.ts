// Chain version 2 (#28): the personal data of an audit entry — IP address, user agent and personal
// metadata (addresses, names, labels) — is sealed under the per-person key of whom it is about
// (crypto/subject-keys.ts) when the entry is flushed, so erasing the person (destroying the key) makes
// it unreadable while the entry and its hash (which covers the ciphertext) stay. recordAudit stays
// synchronous for its callers: a flush subscriber, registered once per ORM by coreContext(), seals
// every new AuditEntry inside the flush's own transaction (beforeCreate runs there), whatever wrote it.
// The database refuses a version-2 entry with personal data in clear (trigger `audit_entry_chain`), so
// a write path that escaped the sealing fails loudly instead of storing it.

import type { EventArgs, EventManager, EventSubscriber } from '@mikro-orm/core';
import {
  AUDIT_CHAIN_VERSION,
  AUDIT_PERSONAL_METADATA_KEYS,
  AuditEntry,
  type EntityManager,
  execute,
  User,
  Workspace,
} from '@postern/db';
import {
  INSTANCE_SUBJECT_ID,
  loadSubjectKeys,
  openForSubject,
  type Subject,
  type SubjectType,
  sealForSubject,
  subjectRef,
} from '../crypto/subject-keys.ts';
import type { Keyring } from '../crypto/types.ts';

/**
 * The metadata keys of an entry that hold personal data: AUDIT_PERSONAL_METADATA_KEYS on every entry,
 * and a workspace's name (by default derived from its owner's address) on entries about a workspace.
 */
export function personalMetadataKeys(entry: Pick<AuditEntry, 'eventType' | 'targetType'>): string[] {
  const keys: string[] = [...AUDIT_PERSONAL_METADATA_KEYS];
  if (entry.targetType === 'workspace') keys.push('name');
  if (entry.eventType === 'workspace.renamed') keys.push('from', 'to');
  return keys;
}

/** What one person's sealed part holds. */
interface Part {
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sealContext = (entryId: string) => `audit_entry:${entryId}:sealed`;

/**
 * Whose key seals an entry: the acting user; else the user it is about (a failed sign-in, an
 * operator's reset); else its workspace (what an API key did); else the instance.
 */
export function auditSubject(
  entry: Pick<AuditEntry, 'actorId' | 'targetType' | 'targetId' | 'workspaceId'>,
): Subject {
  if (entry.actorId) return { type: 'user', id: entry.actorId };
  if (entry.targetType === 'user' && entry.targetId && UUID.test(entry.targetId))
    return { type: 'user', id: entry.targetId };
  if (entry.workspaceId) return { type: 'workspace', id: entry.workspaceId, workspaceId: entry.workspaceId };
  return { type: 'instance', id: INSTANCE_SUBJECT_ID };
}

/** Moves the personal fields out of the entry (left null); null when it has none. */
function takePersonal(entry: AuditEntry): Part | null {
  const part: Part = {};
  if (entry.ip) part.ip = entry.ip;
  if (entry.userAgent) part.userAgent = entry.userAgent;
  entry.ip = null;
  entry.userAgent = null;
  const metadata = entry.metadata ? { ...entry.metadata } : null;
  if (metadata) {
    const personal: Record<string, unknown> = {};
    for (const key of personalMetadataKeys(entry))
      if (key in metadata) {
        personal[key] = metadata[key];
        delete metadata[key];
      }
    if (Object.keys(personal).length) {
      part.metadata = personal;
      entry.metadata = Object.keys(metadata).length ? metadata : null;
    }
  }
  return Object.keys(part).length ? part : null;
}

/** Ids of the accounts and workspaces inserted by the same flush (their rows are not there yet). */
function newInFlush(em: EntityManager): Set<string> {
  const ids = new Set<string>();
  for (const changeSet of em.getUnitOfWork().getChangeSets())
    if (
      String(changeSet.type) === 'create' &&
      (changeSet.entity instanceof User || changeSet.entity instanceof Workspace)
    )
      ids.add((changeSet.entity as User | Workspace).id);
  return ids;
}

/**
 * Seals the personal data of a new entry and clears it: version 2, `subjectId` and `sealed` set. An
 * address in the metadata that belongs to another account (an invitee) is sealed under that account's
 * key; one of nobody with an account stays with the subject's part. A part whose person has no key
 * any more (erased meanwhile) is dropped, not written in clear.
 */
export async function sealAuditEntry(em: EntityManager, keyring: Keyring, entry: AuditEntry): Promise<void> {
  entry.chainVersion = AUDIT_CHAIN_VERSION;
  if (entry.sealed) return;
  const main = takePersonal(entry);
  entry.subjectId = null;
  entry.sealed = null;
  if (!main) return;
  const fresh = newInFlush(em);
  const subject = auditSubject(entry);
  const parts = new Map<string, { subject: Subject; part: Part }>();
  const email = main.metadata?.email;
  if (typeof email === 'string' && email) {
    const [owner] = await execute<{ id: string }[]>(
      em,
      // Account addresses are stored lower-cased (contracts ZEmail): an equality the unique index answers.
      'select id from app_user where email = ? limit 1',
      [email.toLowerCase()],
    );
    if (owner && !(subject.type === 'user' && subject.id === owner.id)) {
      delete main.metadata?.email;
      if (main.metadata && !Object.keys(main.metadata).length) delete main.metadata;
      parts.set(subjectRef({ type: 'user', id: owner.id }), {
        subject: { type: 'user', id: owner.id, isNew: fresh.has(owner.id) },
        part: { metadata: { email } },
      });
    }
  }
  if (Object.keys(main).length)
    parts.set(subjectRef(subject), { subject: { ...subject, isNew: fresh.has(subject.id) }, part: main });
  const keys = await loadSubjectKeys(
    em,
    keyring,
    [...parts.values()].map((p) => p.subject),
    { create: true },
  );
  const sealed: Record<string, string> = {};
  for (const [ref, { part }] of parts) {
    const key = keys.get(ref);
    if (key) sealed[ref] = sealForSubject(key, JSON.stringify(part), sealContext(entry.id));
  }
  entry.subjectId = subject.id;
  entry.sealed = Object.keys(sealed).length ? JSON.stringify(sealed) : null;
}

/** The flush subscriber: seals each new AuditEntry in the flush's transaction. */
class AuditSealer implements EventSubscriber<AuditEntry> {
  keyring: Keyring;
  constructor(keyring: Keyring) {
    this.keyring = keyring;
  }
  getSubscribedEntities() {
    return [AuditEntry];
  }
  async beforeCreate(args: EventArgs<AuditEntry>) {
    await sealAuditEntry(args.em as EntityManager, this.keyring, args.entity);
  }
}

const sealers = new WeakMap<EventManager, AuditSealer>();

/**
 * Makes every flush of `em`'s ORM (forks share its event manager) seal audit entries with `keyring`.
 * Idempotent; the newest keyring wins (one process has one).
 */
export function ensureAuditSealing(em: EntityManager, keyring: Keyring): void {
  const events = em.getEventManager();
  const existing = sealers.get(events);
  if (existing) {
    existing.keyring = keyring;
    return;
  }
  const sealer = new AuditSealer(keyring);
  sealers.set(events, sealer);
  events.registerSubscriber(sealer);
}

/** An entry's personal data as readers show it. */
export interface OpenedAuditData {
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown> | null;
  /** Personal data of the entry was sealed under a key that is gone: its person was erased. */
  personErased: boolean;
}

type Readable = Pick<
  AuditEntry,
  'id' | 'chainVersion' | 'subjectId' | 'sealed' | 'ip' | 'userAgent' | 'metadata'
>;

const SUBJECT_TYPES: readonly SubjectType[] = ['user', 'contact', 'workspace', 'instance'];

function parseSealed(sealed: string | null | undefined): [ref: string, subject: Subject, value: string][] {
  if (!sealed) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(sealed);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object') return [];
  return Object.entries(parsed as Record<string, unknown>).flatMap(([ref, value]) => {
    const at = ref.indexOf(':');
    const type = ref.slice(0, at) as SubjectType;
    const id = ref.slice(at + 1);
    return at > 0 && SUBJECT_TYPES.includes(type) && UUID.test(id) && typeof value === 'string'
      ? [[ref, { type, id }, value] as [string, Subject, string]]
      : [];
  });
}

/**
 * Opens the entries' personal data (one key query for all). Version-1 entries read as stored; a part
 * whose key is gone reads as null with `personErased`; a part that does not open (altered: verify
 * reports it) reads as null.
 */
export async function openAuditEntries(
  em: EntityManager,
  keyring: Keyring,
  entries: readonly Readable[],
): Promise<Map<string, OpenedAuditData>> {
  const parsed = new Map(entries.map((e) => [e.id, e.chainVersion === 1 ? [] : parseSealed(e.sealed)]));
  const subjects = [...parsed.values()].flatMap((parts) => parts.map(([, subject]) => subject));
  const keys = await loadSubjectKeys(em, keyring, subjects);
  const out = new Map<string, OpenedAuditData>();
  for (const e of entries) {
    if (e.chainVersion === 1) {
      out.set(e.id, {
        ip: e.ip ?? null,
        userAgent: e.userAgent ?? null,
        metadata: e.metadata ?? null,
        personErased: false,
      });
      continue;
    }
    const parts = parsed.get(e.id) ?? [];
    // Personal data existed (a subject was named) but none of it was written: its person was erased.
    let personErased = Boolean(e.subjectId) && parts.length === 0;
    const data: Part = {};
    for (const [ref, , value] of parts) {
      const key = keys.get(ref);
      if (!key) {
        personErased = true;
        continue;
      }
      let part: Part;
      try {
        part = JSON.parse(openForSubject(key, value, sealContext(e.id)) ?? '{}') as Part;
      } catch {
        continue;
      }
      data.ip ??= part.ip ?? null;
      data.userAgent ??= part.userAgent ?? null;
      if (part.metadata) data.metadata = { ...data.metadata, ...part.metadata };
    }
    const metadata = e.metadata || data.metadata ? { ...e.metadata, ...data.metadata } : null;
    out.set(e.id, {
      ip: data.ip ?? null,
      userAgent: data.userAgent ?? null,
      metadata,
      personErased,
    });
  }
  return out;
}
