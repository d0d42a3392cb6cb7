// Subject access (GDPR Art. 15) and portability (Art. 20) for one contact (#30): everything the
// workspace holds about the person, as one JSON document in a versioned format (contracts
// ZContactExport, `postern.contact-export/1`): the profile, subscriptions with their lists' names, the
// consent ledger with its sealed personal data opened under the contact's key, whether the address is
// suppressed (looked up by its keyed hash, as sending does), the double opt-in links still pending and
// the campaign sends. Read-only, and audited (`contact.exported`): handing a person's data out is an
// event the workspace must be able to account for. Erasure is contacts.ts `eraseContact`.
import { CONTACT_EXPORT_FORMAT, type ContactExport, type SuppressionReason } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import { auditLabel, shortId } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { contactDto, findContact } from './contacts.ts';
import { consentTimeline } from './ledger.ts';
import { auditActor, type ContactsCtx, iso } from './shared.ts';
import { findSuppressed } from './suppressions.ts';

const at = (value: Date | string) => iso(value) as string;

async function listNames(
  em: EntityManager,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await execute<{ id: string; name: string }[]>(
    em,
    `select id, name from contact_list
      where workspace_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [workspaceId, JSON.stringify([...new Set(ids)])],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function suppressionOf(
  ctx: Pick<ContactsCtx, 'em' | 'keyring'>,
  workspaceId: string,
  normalized: string,
): Promise<ContactExport['suppression']> {
  const entry = (await findSuppressed(ctx.em, ctx.keyring, workspaceId, [normalized])).get(normalized);
  if (!entry) return { suppressed: false, reason: null, source: null, since: null };
  const [row] = await execute<{ reason: SuppressionReason; source: string | null; created_at: Date }[]>(
    ctx.em,
    'select reason, source, created_at from suppression where id = ? and workspace_id = ?',
    [entry.id, workspaceId],
  );
  return {
    suppressed: true,
    reason: row?.reason ?? entry.reason,
    source: row?.source ?? null,
    since: row ? at(row.created_at) : null,
  };
}

async function pendingConfirmations(
  ctx: Pick<ContactsCtx, 'em' | 'clock'>,
  workspaceId: string,
  contactId: string,
): Promise<ContactExport['pendingConfirmations']> {
  const rows = await execute<
    { list_id: string; list_name: string | null; created_at: Date; expires_at: Date }[]
  >(
    ctx.em,
    `select t.list_id, l.name as list_name, t.created_at, t.expires_at
       from opt_in_token t left join contact_list l on l.id = t.list_id
      where t.workspace_id = ? and t.contact_id = ? and t.used_at is null and t.expires_at > ?
      order by t.created_at`,
    [workspaceId, contactId, ctx.clock.now()],
  );
  return rows.map((row) => ({
    listId: row.list_id,
    listName: row.list_name,
    sentAt: at(row.created_at),
    expiresAt: at(row.expires_at),
  }));
}

/**
 * The campaign sends to the contact. Campaigns (#31) are being built beside this: the table is read
 * when the database has it, so the export works before and after their migration is applied.
 */
async function campaignEvents(
  em: EntityManager,
  workspaceId: string,
  contactId: string,
): Promise<ContactExport['campaignEvents']> {
  const [table] = await execute<{ present: boolean }[]>(
    em,
    "select to_regclass('campaign_recipient') is not null as present",
  );
  if (!table?.present) return [];
  const rows = await execute<
    {
      campaign_id: string;
      name: string | null;
      subject: string | null;
      status: string;
      skip_reason: string | null;
      sent_at: Date | null;
      unsubscribed_at: Date | null;
    }[]
  >(
    em,
    `select r.campaign_id, c.name, c.subject, r.status, r.skip_reason, r.sent_at, r.unsubscribed_at
       from campaign_recipient r left join campaign c on c.id = r.campaign_id
      where r.workspace_id = ? and r.contact_id = ?
      order by r.sent_at nulls last, r.campaign_id`,
    [workspaceId, contactId],
  );
  return rows.map((row) => ({
    campaignId: row.campaign_id,
    campaignName: row.name,
    subject: row.subject,
    status: row.status,
    skipReason: row.skip_reason,
    sentAt: iso(row.sent_at),
    unsubscribedAt: iso(row.unsubscribed_at),
  }));
}

/**
 * Everything held about one contact of the workspace (NOT_FOUND for another workspace's or an erased
 * one: an erased person has nothing left to export). Audited as `contact.exported`.
 */
export async function exportContact(
  ctx: ContactsCtx,
  workspaceId: string,
  contactId: string,
): Promise<ContactExport> {
  const contact = await contactDto(ctx.em, await findContact(ctx.em, workspaceId, contactId));
  const names = await listNames(
    ctx.em,
    workspaceId,
    contact.subscriptions.map((s) => s.listId),
  );
  const document: ContactExport = {
    format: CONTACT_EXPORT_FORMAT,
    generatedAt: at(ctx.clock.now()),
    workspaceId,
    profile: {
      id: contact.id,
      email: contact.email,
      emailNormalized: contact.emailNormalized,
      name: contact.name,
      attributes: contact.attributes,
      createdAt: contact.createdAt,
      updatedAt: contact.updatedAt,
    },
    subscriptions: contact.subscriptions.map(({ listId, ...subscription }) => ({
      listId,
      listName: names.get(listId) ?? '',
      ...subscription,
    })),
    consentEvents: await consentTimeline(ctx, workspaceId, contact.id),
    suppression: await suppressionOf(ctx, workspaceId, contact.emailNormalized),
    pendingConfirmations: await pendingConfirmations(ctx, workspaceId, contact.id),
    campaignEvents: await campaignEvents(ctx.em, workspaceId, contact.id),
  };
  recordAudit(ctx.em, ctx.clock, {
    type: 'contact.exported',
    ...auditActor(ctx),
    workspaceId,
    target: { type: 'contact', id: contact.id, label: auditLabel('contact', contact.id) },
    meta: ctx.meta,
    metadata: {
      contact: shortId(contact.id),
      subscriptions: document.subscriptions.length,
      consentEvents: document.consentEvents.length,
      campaignEvents: document.campaignEvents.length,
    },
  });
  await ctx.em.flush();
  return document;
}
