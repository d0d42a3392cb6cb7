// One-click unsubscribe from a campaign email (RFC 8058; the public page is apps/api's
// http/public/unsubscribe.ts). The token names one campaign_recipient row (tokens.ts). The POST, and
// only the POST, unsubscribes: contacts' unsubscribe() from every list — subscriptions unsubscribed,
// consent withdrawn in the ledger, the address suppressed (`unsubscribed`, source `campaign:<id>`),
// contact.unsubscribed written to the outbox — and, in the same transaction, the recipient row's
// unsubscribed_at and the campaign's counter (once). Idempotent: a second POST changes nothing.
// From the moment it commits, the sending engine's claim (recipient.ts) refuses this address, and the
// POST returns only when no send claimed before that is still in transmission (inFlightSettled).
import { type EntityManager, execute } from '@postern/db';
import { unsubscribe } from '../../contacts/subscribe.ts';
import { findSuppressed } from '../../contacts/suppressions.ts';
import type { CoreContext } from '../../context.ts';
import { readUnsubscribeToken } from './tokens.ts';

export interface UnsubscribeTarget {
  recipientId: string;
  workspaceId: string;
  contactId: string;
  campaignId: string;
  listName: string | null;
  unsubscribedAt: Date | null;
}

/** What a token points at, or null (malformed, tampered, or its contact was erased since). */
export async function findUnsubscribeTarget(
  ctx: Pick<CoreContext, 'em' | 'config'>,
  token: unknown,
): Promise<UnsubscribeTarget | null> {
  const id = readUnsubscribeToken(ctx.config.secret, token);
  if (!id) return null;
  const [row] = await execute<
    {
      id: string;
      workspace_id: string;
      contact_id: string;
      campaign_id: string;
      list_name: string | null;
      unsubscribed_at: Date | null;
    }[]
  >(
    ctx.em,
    `select r.id, r.workspace_id, r.contact_id, r.campaign_id, l.name as list_name, r.unsubscribed_at
       from campaign_recipient r join campaign c on c.id = r.campaign_id and c.workspace_id = r.workspace_id
       left join contact_list l on l.id = c.list_id
      where r.id = ?`,
    [id],
  );
  if (!row) return null;
  return {
    recipientId: row.id,
    workspaceId: row.workspace_id,
    contactId: row.contact_id,
    campaignId: row.campaign_id,
    listName: row.list_name,
    unsubscribedAt: row.unsubscribed_at,
  };
}

/** The row is marked, no subscription of the contact is active and the address is still suppressed. */
async function alreadyDone(ctx: Pick<CoreContext, 'keyring'>, tx: EntityManager, target: UnsubscribeTarget) {
  const [row] = await execute<
    { unsubscribed_at: Date | null; email_normalized: string; subscribed: boolean }[]
  >(
    tx,
    `select r.unsubscribed_at, c.email_normalized,
            exists (select 1 from subscription s where s.contact_id = c.id and s.status <> 'unsubscribed') as subscribed
       from campaign_recipient r join contact c on c.id = r.contact_id where r.id = ? for update of r`,
    [target.recipientId],
  );
  if (!row?.unsubscribed_at || row.subscribed) return false;
  const found = await findSuppressed(tx, ctx.keyring, target.workspaceId, [row.email_normalized]);
  return found.has(row.email_normalized);
}

/**
 * Unsubscribes the recipient a token names (see the module comment). Returns null for an unknown
 * token; `changed` false when it had already been done.
 */
export async function unsubscribeFromCampaign(
  ctx: CoreContext,
  token: unknown,
  who: { ip: string | null; userAgent: string | null },
): Promise<{ changed: boolean; target: UnsubscribeTarget } | null> {
  const target = await findUnsubscribeTarget(ctx, token);
  if (!target) return null;
  const changed = await ctx.em.transactional(async (tx) => {
    // A repeated POST (providers retry, people click twice) writes nothing: not even a ledger event.
    if (await alreadyDone(ctx, tx, target)) return false;
    const result = await unsubscribe({ ...ctx, em: tx }, target.workspaceId, {
      contactId: target.contactId,
      method: 'hosted_form',
      ip: who.ip?.slice(0, 64) ?? null,
      userAgent: who.userAgent?.slice(0, 512) ?? null,
      source: `campaign:${target.campaignId}`,
    });
    const now = ctx.clock.now();
    const marked = await execute<{ id: string }[]>(
      tx,
      'update campaign_recipient set unsubscribed_at = ?, updated_at = ? where id = ? and unsubscribed_at is null returning id',
      [now, now, target.recipientId],
    );
    if (marked.length)
      await execute(
        tx,
        'update campaign set unsubscribed = unsubscribed + 1, updated_at = ? where id = ?',
        [now, target.campaignId],
        'run',
      );
    return result.changed || marked.length > 0;
  });
  await inFlightSettled(ctx, target.contactId);
  return { changed, target };
}

/** How long the POST waits for sends claimed before it committed (a worker that died leaves rows `sending`). */
export const IN_FLIGHT_WAIT_MS = 10_000;

/**
 * From the commit on, no claim accepts the address; a send claimed just before it may still be
 * queued on an SMTP connection. The POST returns once none of the contact's recipient rows is
 * `sending` — then no message of any campaign is in transmission to the address, nor will be.
 */
async function inFlightSettled(ctx: Pick<CoreContext, 'em'>, contactId: string): Promise<void> {
  const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
  for (;;) {
    const rows = await execute<unknown[]>(
      ctx.em,
      `select 1 from campaign_recipient where contact_id = ? and status = 'sending' limit 1`,
      [contactId],
    );
    if (!rows.length || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
