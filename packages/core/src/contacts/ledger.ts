// The consent ledger (table consent_event): one row per subscribed / confirmed / unsubscribed /
// imported / consent_withdrawn event, append-only in the database. Ids, the method, the consent text
// version, express or implied and the declared basis are kept in clear; the personal data (address,
// IP and user agent, the import's source and importer) is one JSON sealed under the contact's own key
// (subject_key) with the context `consent_event:<id>:sealed`. Erasing the contact destroys that key:
// the rows stay as proof that the events happened, and nobody can read whom they were about.
import { randomUUID } from 'node:crypto';
import type { ConsentEventType, ConsentMethod, ConsentTimelineEntry } from '@postern/contracts';
import { SELF_SERVICE_METHODS } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import { loadSubjectKeys, openForSubject, sealForSubject, subjectRef } from '../crypto/subject-keys.ts';
import { DomainError } from '../errors.ts';
import { contactKeys } from './contact-keys.ts';
import { actingId, type ContactsCtx, iso, jsonParam, uuidOrNull } from './shared.ts';

/** The sealed part of a ledger row. */
export interface ConsentPersonal {
  email: string;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
  /** Where an import or an unsubscribe came from (a file name, `campaign:<id>`…). */
  source?: string | null | undefined;
}

export interface ConsentEventInput {
  contactId: string;
  listId: string | null;
  type: ConsentEventType;
  method: ConsentMethod;
  consentTextVersionId?: string | null | undefined;
  express?: boolean | null | undefined;
  basis?: string | null | undefined;
  personal: ConsentPersonal;
}

const sealedContext = (id: string) => `consent_event:${id}:sealed`;

/** Who the ledger names: the person themselves for forms and confirmation links, else the actor. */
function ledgerActor(ctx: Pick<ContactsCtx, 'actor'>, method: ConsentMethod) {
  if (SELF_SERVICE_METHODS.includes(method) || method === 'double_opt_in')
    return { type: 'contact', id: null };
  return { type: ctx.actor?.kind ?? null, id: actingId(ctx) };
}

/** Appends ledger rows on `tx`'s transaction: one multi-row INSERT (a JSON record set) for any number. */
export async function writeConsentEvents(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  events: readonly ConsentEventInput[],
): Promise<string[]> {
  if (!events.length) return [];
  const keys = await contactKeys(
    tx,
    ctx.keyring,
    workspaceId,
    events.map((e) => e.contactId),
  );
  const now = ctx.clock.now();
  const rows = events.map((event) => {
    const id = randomUUID();
    const key = keys.get(event.contactId);
    if (!key) throw new DomainError('NOT_FOUND', 'No such contact (erased meanwhile?)');
    const actor = ledgerActor(ctx, event.method);
    const personal = {
      email: event.personal.email,
      ip: event.personal.ip ?? null,
      userAgent: event.personal.userAgent ?? null,
      source: event.personal.source ?? null,
    };
    return {
      id,
      contact_id: event.contactId,
      list_id: event.listId,
      event_type: event.type,
      method: event.method,
      consent_text_version_id: event.consentTextVersionId ?? null,
      express: event.express ?? null,
      basis: event.basis ?? null,
      actor_type: actor.type,
      actor_id: actor.id,
      sealed: sealForSubject(key, JSON.stringify(personal), sealedContext(id)),
    };
  });
  await execute(
    tx,
    `insert into consent_event (id, workspace_id, contact_id, list_id, event_type, method,
         consent_text_version_id, express, basis, actor_type, actor_id, occurred_at, sealed)
       select r.id, ?, r.contact_id, r.list_id, r.event_type, r.method, r.consent_text_version_id,
              r.express, r.basis, r.actor_type, r.actor_id, ?, r.sealed
         from jsonb_to_recordset(?::jsonb) as r(id uuid, contact_id uuid, list_id uuid, event_type text,
              method text, consent_text_version_id uuid, express boolean, basis text, actor_type text,
              actor_id uuid, sealed text)`,
    [workspaceId, now, jsonParam(rows)],
    'run',
  );
  return rows.map((row) => row.id);
}

interface LedgerRow {
  id: string;
  list_id: string | null;
  event_type: ConsentTimelineEntry['type'];
  method: ConsentMethod;
  consent_text_version_id: string | null;
  express: boolean | null;
  basis: string | null;
  actor_type: string | null;
  actor_id: string | null;
  occurred_at: Date;
  sealed: string | null;
}

/**
 * The consent timeline of a contact, oldest first, personal data opened with the contact's key. After
 * the contact's erasure the events are still listed, with every personal field null and
 * `personErased: true`. NOT_FOUND when the workspace holds no record of that contact id.
 */
export async function consentTimeline(
  ctx: Pick<ContactsCtx, 'em' | 'keyring'>,
  workspaceId: string,
  contactId: string,
): Promise<ConsentTimelineEntry[]> {
  const rows = await execute<LedgerRow[]>(
    ctx.em,
    `select id, list_id, event_type, method, consent_text_version_id, express, basis, actor_type,
            actor_id, occurred_at, sealed
       from consent_event where workspace_id = ? and contact_id = ?
      order by occurred_at,
               array_position(array['subscribed', 'imported', 'confirmed', 'unsubscribed', 'consent_withdrawn'], event_type::text),
               id`,
    [workspaceId, uuidOrNull(contactId)],
  );
  if (!rows.length) {
    const [contact] = await execute(ctx.em, 'select 1 from contact where workspace_id = ? and id = ?', [
      workspaceId,
      uuidOrNull(contactId),
    ]);
    if (!contact) throw new DomainError('NOT_FOUND', 'No such contact');
    return [];
  }
  const keys = await loadSubjectKeys(ctx.em, ctx.keyring, [{ type: 'contact', id: contactId }]);
  const key = keys.get(subjectRef({ type: 'contact', id: contactId }));
  return rows.map((row) => {
    const opened = row.sealed ? openForSubject(key, row.sealed, sealedContext(row.id)) : null;
    const personal = opened ? (JSON.parse(opened) as Record<string, string | null>) : null;
    return {
      id: row.id,
      type: row.event_type,
      method: row.method,
      listId: row.list_id,
      consentTextVersionId: row.consent_text_version_id,
      express: row.express,
      basis: row.basis,
      actorType: row.actor_type,
      actorId: row.actor_id,
      occurredAt: iso(row.occurred_at) as string,
      email: personal?.email ?? null,
      ip: personal?.ip ?? null,
      userAgent: personal?.userAgent ?? null,
      source: personal?.source ?? null,
      personErased: !key,
    };
  });
}
