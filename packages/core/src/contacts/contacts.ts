// Contacts of a workspace: the address as given and its normalised form (unique per workspace), a
// name, typed custom attributes. Create, update, get, list (keyset pages; search by address or name
// prefix; filter by list and subscription status), delete (the ledger stays readable) and erase (the
// contact's key is destroyed: the ledger rows stay, unreadable). Subscribing is subscribe.ts's.
import {
  type ContactDto,
  type ContactSubscriptionDto,
  type SubscriptionStatus,
  ZCreateContact,
  ZListContactsQuery,
  ZUpdateContact,
} from '@postern/contracts';
import { Contact, type EntityManager, execute } from '@postern/db';
import { auditLabel, shortId } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { destroySubjectKeys } from '../crypto/subject-keys.ts';
import { DomainError } from '../errors.ts';
import { afterCursor, keysetPage } from '../pagination.ts';
import { normalizeAddress } from './address.ts';
import { parseInput } from './parse.ts';
import { auditActor, type ContactsCtx, iso, lockAudience, uuidOrNull } from './shared.ts';
import { tombstoneSuppression } from './suppressions.ts';

interface SubscriptionRow {
  contact_id: string;
  list_id: string;
  status: SubscriptionStatus;
  express: boolean;
  confirmed_at: Date | null;
  unsubscribed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Contacts as the API shows them, with their subscriptions (one query for all). */
export async function contactDtos(em: EntityManager, contacts: Contact[]): Promise<ContactDto[]> {
  const subscriptions = new Map<string, ContactSubscriptionDto[]>();
  if (contacts.length) {
    const rows = await execute<SubscriptionRow[]>(
      em,
      `select contact_id, list_id, status, express, confirmed_at, unsubscribed_at, created_at, updated_at
         from subscription where contact_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
        order by created_at, id`,
      [JSON.stringify(contacts.map((c) => c.id))],
    );
    for (const row of rows) {
      const list = subscriptions.get(row.contact_id) ?? [];
      list.push({
        listId: row.list_id,
        status: row.status,
        express: row.express,
        createdAt: iso(row.created_at) as string,
        updatedAt: iso(row.updated_at) as string,
        confirmedAt: iso(row.confirmed_at),
        unsubscribedAt: iso(row.unsubscribed_at),
      });
      subscriptions.set(row.contact_id, list);
    }
  }
  return contacts.map((c) => ({
    id: c.id,
    email: c.email,
    emailNormalized: c.emailNormalized,
    name: c.name ?? null,
    attributes: c.attributes ?? {},
    subscriptions: subscriptions.get(c.id) ?? [],
    createdAt: iso(c.createdAt) as string,
    updatedAt: iso(c.updatedAt) as string,
  }));
}

/** The contact of the workspace, or NOT_FOUND (another workspace's looks the same as none). */
export async function findContact(
  em: EntityManager,
  workspaceId: string,
  contactId: string,
): Promise<Contact> {
  const contact = await em.findOne(
    Contact,
    { id: uuidOrNull(contactId), workspace: workspaceId },
    { refresh: true },
  );
  if (!contact) throw new DomainError('NOT_FOUND', 'No such contact');
  return contact;
}

export async function contactDto(em: EntityManager, contact: Contact): Promise<ContactDto> {
  return (await contactDtos(em, [contact]))[0] as ContactDto;
}

/** Adds a contact without subscribing it (subscribe() records consent). CONFLICT when the address is there. */
export async function createContact(ctx: ContactsCtx, workspaceId: string, rawInput: unknown) {
  const input = parseInput(ZCreateContact, rawInput);
  const address = normalizeAddress(input.email);
  const existing = await ctx.em.count(Contact, {
    workspace: workspaceId,
    emailNormalized: address.normalized,
  });
  if (existing) throw new DomainError('CONFLICT', 'A contact with this address exists already');
  const now = ctx.clock.now();
  const contact = ctx.em.create(Contact, {
    workspace: workspaceId,
    email: address.email,
    emailNormalized: address.normalized,
    name: input.name || null,
    attributes: input.attributes ?? {},
    createdAt: now,
    updatedAt: now,
  });
  try {
    await ctx.em.flush();
  } catch (error) {
    if ((error as { code?: string }).code === '23505' || /unique/i.test(String(error)))
      throw new DomainError('CONFLICT', 'A contact with this address exists already');
    throw error;
  }
  return contactDto(ctx.em, contact);
}

/** Changes the name and/or replaces the attributes (the address cannot change: erase and add again). */
export async function updateContact(
  ctx: ContactsCtx,
  workspaceId: string,
  contactId: string,
  rawInput: unknown,
) {
  const input = parseInput(ZUpdateContact, rawInput);
  const contact = await findContact(ctx.em, workspaceId, contactId);
  if (input.name !== undefined) contact.name = input.name || null;
  if (input.attributes !== undefined) contact.attributes = input.attributes;
  contact.updatedAt = ctx.clock.now();
  await ctx.em.flush();
  return contactDto(ctx.em, contact);
}

export async function getContact(ctx: Pick<ContactsCtx, 'em'>, workspaceId: string, contactId: string) {
  return contactDto(ctx.em, await findContact(ctx.em, workspaceId, contactId));
}

const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The cursor's position (afterCursor checks it and refuses one this API did not make). */
function cursorPosition(cursor: string | undefined): { at: Date; id: string } | null {
  if (!afterCursor(cursor) || !cursor) return null;
  const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: string; id: string };
  return { at: new Date(decoded.t), id: decoded.id };
}

/**
 * A page of contacts, newest first (keyset on created_at, id): search by address or name prefix
 * (case-insensitive), filter by list and/or subscription status — one query, the filter as a subquery.
 */
export async function listContacts(
  ctx: Pick<ContactsCtx, 'em'>,
  workspaceId: string,
  rawQuery: unknown = {},
): Promise<{ contacts: ContactDto[]; nextCursor: string | null }> {
  const query = parseInput(ZListContactsQuery, rawQuery);
  const where = ['c.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  const after = cursorPosition(query.cursor);
  if (after) {
    where.push('(c.created_at, c.id) < (?, ?)');
    params.push(after.at, uuidOrNull(after.id));
  }
  if (query.search) {
    const prefix = likePrefix(query.search.toLowerCase());
    where.push('(c.email_normalized like ? or lower(c.email) like ? or lower(c.name) like ?)');
    params.push(prefix, prefix, prefix);
  }
  if (query.listId || query.status) {
    const sub = ['s.contact_id = c.id'];
    if (query.listId) {
      sub.push('s.list_id = ?');
      params.push(query.listId);
    }
    if (query.status) {
      sub.push('s.status = ?');
      params.push(query.status);
    }
    where.push(`exists (select 1 from subscription s where ${sub.join(' and ')})`);
  }
  params.push(query.limit + 1);
  const ids = await execute<{ id: string }[]>(
    ctx.em,
    `select c.id from contact c where ${where.join(' and ')} order by c.created_at desc, c.id desc limit ?`,
    params,
  );
  const found = ids.length
    ? await ctx.em.find(Contact, { id: { $in: ids.map((r) => r.id) } }, { refresh: true })
    : [];
  const byId = new Map(found.map((c) => [c.id, c]));
  const rows = ids.map((r) => byId.get(r.id)).filter((c): c is Contact => Boolean(c));
  const { page, nextCursor } = keysetPage(rows, query.limit);
  return { contacts: await contactDtos(ctx.em, page), nextCursor };
}

async function removeContact(
  ctx: ContactsCtx,
  workspaceId: string,
  contactId: string,
  erase: boolean,
): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    // Erasing waits for the subscribers and suppressors at work in the workspace (the lock first, as they
    // take it): a suppression of the address being written at this moment (an unsubscribe, a bounce)
    // commits before the erasure looks for it, and becomes a tombstone too.
    if (erase) await lockAudience(tx, workspaceId, 'exclusive');
    const [row] = await execute<{ id: string; email_normalized: string }[]>(
      tx,
      'delete from contact where id = ? and workspace_id = ? returning id, email_normalized',
      [uuidOrNull(contactId), workspaceId],
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such contact');
    // Subscriptions and opt-in links go with the contact (foreign keys, on delete cascade); the ledger
    // rows stay. Erasing also destroys the key of the ledger's sealed data and leaves the suppression
    // entry (if any) as a tombstone: its keyed hash still refuses the address, nothing gives it back.
    if (erase) {
      await destroySubjectKeys(tx, 'contact', [row.id]);
      await tombstoneSuppression(tx, ctx.keyring, workspaceId, row.email_normalized);
    }
    recordAudit(tx, ctx.clock, {
      type: erase ? 'contact.erased' : 'contact.deleted',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact', id: row.id, label: auditLabel('contact', row.id) },
      meta: ctx.meta,
      metadata: { contact: shortId(row.id) },
    });
  });
}

/** Deletes a contact and its subscriptions; its consent records stay readable (proof while the workspace exists). */
export const deleteContact = (ctx: ContactsCtx, workspaceId: string, contactId: string) =>
  removeContact(ctx, workspaceId, contactId, false);

/**
 * Erases a contact (GDPR Art. 17): the contact and its subscriptions are deleted and its key is
 * destroyed, so its consent records stay as proof that events happened but hold nothing readable.
 * A suppression of the address stays, as a tombstone (suppressions.ts tombstoneSuppression): it exists
 * so the address is never mailed again, and its keyed hash is enough for that.
 */
export const eraseContact = (ctx: ContactsCtx, workspaceId: string, contactId: string) =>
  removeContact(ctx, workspaceId, contactId, true);
