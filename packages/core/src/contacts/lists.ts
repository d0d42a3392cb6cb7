// Lists (newsletters) of a workspace: name, public description, double opt-in, "requires express
// consent" (CASL), the confirmation email (custom or default), an optional sender mailbox and the
// consent text shown at sign-up. Consent texts are versioned: a changed text adds a version (with its
// SHA-256), every version is kept — also after the list is deleted, since ledger rows point at them.
// Changes are audited (`list.*`).
import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  type ConsentTextVersionDto,
  type ContactListDto,
  DEFAULT_CONFIRMATION_BODY,
  DEFAULT_CONFIRMATION_SUBJECT,
  ZCreateList,
  ZUpdateList,
} from '@postern/contracts';
import { ConsentTextVersion, ContactList, type EntityManager, execute, Mailbox } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { auditChanges, recordAudit } from '../audit/record.ts';
import { DomainError } from '../errors.ts';
import { parseInput } from './parse.ts';
import { actingId, auditActor, type ContactsCtx, iso, uuidOrNull } from './shared.ts';

const LIST_FIELDS = [
  'name',
  'description',
  'doubleOptIn',
  'requiresExpressConsent',
  'senderMailboxId',
  'confirmationSubject',
  'confirmationBody',
] as const;

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function versionDto(v: ConsentTextVersion): ConsentTextVersionDto {
  return {
    id: v.id,
    version: v.version,
    text: v.text,
    sha256: v.sha256,
    createdAt: iso(v.createdAt) as string,
  };
}

async function countsOf(em: EntityManager, listIds: string[]) {
  const counts = new Map<string, ContactListDto['counts']>();
  for (const id of listIds) counts.set(id, { unconfirmed: 0, active: 0, unsubscribed: 0 });
  if (!listIds.length) return counts;
  const rows = await execute<{ list_id: string; status: keyof ContactListDto['counts']; n: string }[]>(
    em,
    `select list_id, status, count(*) as n from subscription
      where list_id in (select jsonb_array_elements_text(?::jsonb)::uuid) group by list_id, status`,
    [JSON.stringify(listIds)],
  );
  for (const row of rows) {
    const entry = counts.get(row.list_id);
    if (entry && row.status in entry) entry[row.status] = Number(row.n);
  }
  return counts;
}

async function listDtos(em: EntityManager, lists: ContactList[]): Promise<ContactListDto[]> {
  const versionIds = lists.map((l) => l.consentTextVersionId).filter((id): id is string => Boolean(id));
  const versions = versionIds.length ? await em.find(ConsentTextVersion, { id: { $in: versionIds } }) : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const counts = await countsOf(
    em,
    lists.map((l) => l.id),
  );
  return lists.map((list) => {
    const version = list.consentTextVersionId ? byId.get(list.consentTextVersionId) : undefined;
    return {
      id: list.id,
      name: list.name,
      description: list.description ?? null,
      doubleOptIn: list.doubleOptIn,
      requiresExpressConsent: list.requiresExpressConsent,
      senderMailboxId: list.senderMailboxId ?? null,
      confirmationSubject: list.confirmationSubject ?? DEFAULT_CONFIRMATION_SUBJECT,
      confirmationBody: list.confirmationBody ?? DEFAULT_CONFIRMATION_BODY,
      consentText: version ? versionDto(version) : null,
      counts: counts.get(list.id) ?? { unconfirmed: 0, active: 0, unsubscribed: 0 },
      createdAt: iso(list.createdAt) as string,
      updatedAt: iso(list.updatedAt) as string,
    };
  });
}

/** The list of the workspace, or NOT_FOUND (another workspace's looks the same as none). */
export async function findList(
  em: EntityManager,
  workspaceId: string,
  listId: string,
  options: { lock?: boolean } = {},
): Promise<ContactList> {
  const list = await em.findOne(
    ContactList,
    { id: uuidOrNull(listId), workspace: workspaceId },
    { refresh: true, ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) },
  );
  if (!list) throw new DomainError('NOT_FOUND', 'No such list');
  return list;
}

/** Adds version n+1 of the list's consent text and makes it current. */
async function addConsentTextVersion(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  list: ContactList,
  text: string,
): Promise<ConsentTextVersion> {
  const [row] = await execute<{ next: number }[]>(
    tx,
    'select coalesce(max(version), 0) + 1 as next from consent_text_version where list_id = ?',
    [list.id],
  );
  const version = tx.create(ConsentTextVersion, {
    workspace: workspaceId,
    listId: list.id,
    version: Number(row?.next ?? 1),
    text,
    sha256: sha256Hex(text),
    createdBy: actingId(ctx),
    createdAt: ctx.clock.now(),
  });
  list.consentTextVersionId = version.id;
  return version;
}

/** A list's sender must be one of the workspace's own mailboxes (another workspace's id is refused). */
async function assertOwnSender(tx: EntityManager, workspaceId: string, mailboxId: string | null | undefined) {
  if (!mailboxId) return;
  if (await tx.count(Mailbox, { id: mailboxId, workspace: workspaceId })) return;
  throw new DomainError(
    'VALIDATION_FAILED',
    "The sender is not one of this workspace's connected mailboxes",
    {
      field: 'senderMailboxId',
    },
  );
}

export async function createList(ctx: ContactsCtx, workspaceId: string, rawInput: unknown) {
  const input = parseInput(ZCreateList, rawInput);
  const list = await ctx.em.transactional(async (tx) => {
    await assertOwnSender(tx, workspaceId, input.senderMailboxId);
    const now = ctx.clock.now();
    const created = tx.create(ContactList, {
      workspace: workspaceId,
      name: input.name,
      description: input.description || null,
      doubleOptIn: input.doubleOptIn,
      requiresExpressConsent: input.requiresExpressConsent,
      senderMailboxId: input.senderMailboxId ?? null,
      confirmationSubject: input.confirmationSubject || null,
      confirmationBody: input.confirmationBody || null,
      consentTextVersionId: null,
      createdBy: actingId(ctx),
      createdAt: now,
      updatedAt: now,
    });
    if (input.consentText) await addConsentTextVersion(tx, ctx, workspaceId, created, input.consentText);
    recordAudit(tx, ctx.clock, {
      type: 'list.created',
      ...auditActor(ctx),
      workspaceId,
      target: {
        type: 'contact_list',
        id: created.id,
        label: auditLabel('contact_list', created.id, created.name),
      },
      meta: ctx.meta,
      metadata: { doubleOptIn: created.doubleOptIn, requiresExpressConsent: created.requiresExpressConsent },
    });
    return created;
  });
  return (await listDtos(ctx.em, [list]))[0] as ContactListDto;
}

export async function updateList(ctx: ContactsCtx, workspaceId: string, listId: string, rawInput: unknown) {
  const input = parseInput(ZUpdateList, rawInput);
  const list = await ctx.em.transactional(async (tx) => {
    const list = await findList(tx, workspaceId, listId, { lock: true });
    const before: Record<string, unknown> = Object.fromEntries(LIST_FIELDS.map((f) => [f, list[f] ?? null]));
    if (input.name !== undefined) list.name = input.name;
    if (input.description !== undefined) list.description = input.description || null;
    if (input.doubleOptIn !== undefined) list.doubleOptIn = input.doubleOptIn;
    if (input.requiresExpressConsent !== undefined)
      list.requiresExpressConsent = input.requiresExpressConsent;
    if (input.senderMailboxId !== undefined) {
      await assertOwnSender(tx, workspaceId, input.senderMailboxId);
      list.senderMailboxId = input.senderMailboxId ?? null;
    }
    if (input.confirmationSubject !== undefined) list.confirmationSubject = input.confirmationSubject || null;
    if (input.confirmationBody !== undefined) list.confirmationBody = input.confirmationBody || null;
    const changed: string[] = LIST_FIELDS.filter((f) => (list[f] ?? null) !== before[f]);
    if (input.consentText !== undefined) {
      const current = list.consentTextVersionId
        ? await tx.findOne(ConsentTextVersion, { id: list.consentTextVersionId })
        : null;
      if (!input.consentText) {
        if (list.consentTextVersionId) {
          list.consentTextVersionId = null;
          changed.push('consentText');
        }
      } else if (current?.text !== input.consentText) {
        await addConsentTextVersion(tx, ctx, workspaceId, list, input.consentText);
        changed.push('consentText');
      }
    }
    if (!changed.length) return list;
    list.updatedAt = ctx.clock.now();
    const after: Record<string, unknown> = Object.fromEntries(LIST_FIELDS.map((f) => [f, list[f] ?? null]));
    const shown = changed.filter((f) => f !== 'consentText' && f !== 'confirmationBody');
    recordAudit(tx, ctx.clock, {
      type: 'list.updated',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact_list', id: list.id, label: auditLabel('contact_list', list.id, list.name) },
      meta: ctx.meta,
      metadata: { changed, ...auditChanges(shown, before, after) },
    });
    return list;
  });
  return (await listDtos(ctx.em, [list]))[0] as ContactListDto;
}

export async function getList(ctx: Pick<ContactsCtx, 'em'>, workspaceId: string, listId: string) {
  const list = await findList(ctx.em, workspaceId, listId);
  return (await listDtos(ctx.em, [list]))[0] as ContactListDto;
}

/** Every list of the workspace, oldest first (a workspace has few). */
export async function listLists(ctx: Pick<ContactsCtx, 'em'>, workspaceId: string) {
  const lists = await ctx.em.find(
    ContactList,
    { workspace: workspaceId },
    { orderBy: { createdAt: 'asc', id: 'asc' }, refresh: true },
  );
  return listDtos(ctx.em, lists);
}

/** Every consent text version of a list, newest first (also of a deleted list, while the workspace exists). */
export async function listConsentTextVersions(
  ctx: Pick<ContactsCtx, 'em'>,
  workspaceId: string,
  listId: string,
): Promise<ConsentTextVersionDto[]> {
  const versions = await ctx.em.find(
    ConsentTextVersion,
    { workspace: workspaceId, listId: uuidOrNull(listId) },
    { orderBy: { version: 'desc' } },
  );
  if (!versions.length) await findList(ctx.em, workspaceId, listId);
  return versions.map(versionDto);
}

/** Deletes a list and its subscriptions; its consent texts and ledger rows stay. */
export async function deleteList(ctx: ContactsCtx, workspaceId: string, listId: string): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    const list = await findList(tx, workspaceId, listId, { lock: true });
    const [row] = await execute<{ n: string }[]>(
      tx,
      'select count(*) as n from subscription where list_id = ?',
      [list.id],
    );
    await execute(tx, 'delete from contact_list where id = ?', [list.id], 'run');
    tx.getUnitOfWork().unsetIdentity(list);
    recordAudit(tx, ctx.clock, {
      type: 'list.deleted',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact_list', id: list.id, label: auditLabel('contact_list', list.id, list.name) },
      meta: ctx.meta,
      metadata: { subscriptions: Number(row?.n ?? 0) },
    });
  });
}
