// Subscribing, confirming and unsubscribing one contact. subscribe() goes through the one gate
// (gate.ts subscribeRows), which checks suppression first; confirm() is the double opt-in's second
// step (#30 owns the tokens and the email) and the only way a suppressed address comes back;
// unsubscribe() from one list, or from everything (which also suppresses the address).
import {
  type SubscribeResult,
  type SubscriptionStatus,
  ZConfirm,
  ZSubscribe,
  ZUnsubscribe,
} from '@postern/contracts';
import { execute } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { DomainError } from '../errors.ts';
import { normalizeAddress } from './address.ts';
import { contactDto, findContact } from './contacts.ts';
import { subscribeRows } from './gate.ts';
import { type ConsentEventInput, writeConsentEvents } from './ledger.ts';
import { findList } from './lists.ts';
import { parseInput } from './parse.ts';
import { type ContactsCtx, lockAudience, recordEvents, uuidOrNull } from './shared.ts';
import { findSuppressed, suppressInTx } from './suppressions.ts';

/**
 * Subscribes a contact (created or updated from `contact`) to a list with its consent evidence.
 * A suppressed address, or one that unsubscribed from the list, is refused (CONFLICT) unless the
 * method is a sign-up form: then the subscription stays `unconfirmed` until the person confirms.
 */
export async function subscribe(
  ctx: ContactsCtx,
  workspaceId: string,
  rawInput: unknown,
): Promise<SubscribeResult> {
  const input = parseInput(ZSubscribe, rawInput);
  const address = normalizeAddress(input.contact.email, 'contact.email');
  const { evidence } = input;
  if (evidence.method === 'import' || evidence.method === 'double_opt_in')
    throw new DomainError(
      'VALIDATION_FAILED',
      evidence.method === 'import' ? 'Imports go through importContacts' : 'Confirmations go through confirm',
      { field: 'evidence.method' },
    );
  if (evidence.confirmedAt && evidence.method !== 'api')
    throw new DomainError('VALIDATION_FAILED', 'confirmedAt is only for the API (your own double opt-in)', {
      field: 'evidence.confirmedAt',
    });
  const outcome = await ctx.em.transactional(async (tx) => {
    const list = await findList(tx, workspaceId, input.listId);
    const [result] = await subscribeRows(
      tx,
      ctx,
      workspaceId,
      list,
      [{ row: 1, ...address, name: input.contact.name, attributes: input.contact.attributes }],
      evidence,
      'subscribe',
    );
    if (!result) throw new DomainError('INTERNAL', 'subscribe: no outcome');
    if ('skipped' in result)
      throw new DomainError('CONFLICT', `Not subscribed: ${result.detail}`, { reason: result.skipped });
    return result;
  });
  const contact = await findContact(ctx.em, workspaceId, outcome.contactId);
  return {
    contact: await contactDto(ctx.em, contact),
    status: outcome.status,
    changed: outcome.changed,
    confirmationRequired: outcome.confirmationRequired,
  };
}

/**
 * The double opt-in's second step: the person confirmed from the link (#30 checks the token first).
 * The subscription becomes active, the confirmation's IP and user agent are recorded, and a
 * suppression of the address (unsubscribed, bounced, complained; not manual) is lifted — the person
 * asked for the mail themselves.
 */
export async function confirm(ctx: ContactsCtx, workspaceId: string, rawInput: unknown) {
  const input = parseInput(ZConfirm, rawInput);
  return ctx.em.transactional(async (tx) => {
    await lockAudience(tx, workspaceId, 'exclusive');
    const list = await findList(tx, workspaceId, input.listId);
    const contact = await findContact(tx, workspaceId, input.contactId);
    const [sub] = await execute<{ id: string; status: SubscriptionStatus }[]>(
      tx,
      'select id, status from subscription where contact_id = ? and list_id = ? for update',
      [contact.id, list.id],
    );
    if (!sub) throw new DomainError('NOT_FOUND', 'No subscription to confirm');
    if (sub.status === 'active') return { status: 'active' as const, changed: false };
    if (sub.status === 'unsubscribed')
      throw new DomainError('CONFLICT', 'The contact unsubscribed since: subscribe again to get a new link');
    const now = ctx.clock.now();
    await execute(
      tx,
      "update subscription set status = 'active', confirmed_at = ?, updated_at = ? where id = ?",
      [now, now, sub.id],
      'run',
    );
    const suppressed = (await findSuppressed(tx, ctx.keyring, workspaceId, [contact.emailNormalized])).get(
      contact.emailNormalized,
    );
    // The person asked for the mail themselves: lifted — except a manual suppression (the workspace's own decision).
    if (suppressed && suppressed.reason !== 'manual') {
      await execute(tx, 'delete from suppression where id = ?', [suppressed.id], 'run');
      recordAudit(tx, ctx.clock, {
        type: 'suppression.removed',
        actorId: null,
        workspaceId,
        target: { type: 'suppression', id: suppressed.id, label: auditLabel('suppression', suppressed.id) },
        meta: ctx.meta,
        metadata: { reason: suppressed.reason, by: 'double_opt_in', listId: list.id },
      });
    }
    await writeConsentEvents(tx, ctx, workspaceId, [
      {
        contactId: contact.id,
        listId: list.id,
        type: 'confirmed',
        method: 'double_opt_in',
        consentTextVersionId: null,
        personal: { email: contact.email, ip: input.ip, userAgent: input.userAgent },
      },
    ]);
    await recordEvents(tx, ctx.clock, workspaceId, 'contact.confirmed', [
      { contact_id: contact.id, list_id: list.id, status: 'active', method: 'double_opt_in' },
    ]);
    return { status: 'active' as const, changed: true };
  });
}

/**
 * Unsubscribes a contact from one list, or (no listId) from every list — which also withdraws consent
 * and suppresses the address (`unsubscribed`). Takes effect in the same transaction.
 */
export async function unsubscribe(ctx: ContactsCtx, workspaceId: string, rawInput: unknown) {
  const input = parseInput(ZUnsubscribe, rawInput);
  return ctx.em.transactional(async (tx) => {
    await lockAudience(tx, workspaceId, 'exclusive');
    const contact = await findContact(tx, workspaceId, input.contactId);
    if (input.listId) await findList(tx, workspaceId, input.listId);
    const subs = await execute<{ id: string; list_id: string; status: SubscriptionStatus }[]>(
      tx,
      `select id, list_id, status from subscription where contact_id = ? ${input.listId ? 'and list_id = ?' : ''} for update`,
      [contact.id, ...(input.listId ? [uuidOrNull(input.listId)] : [])],
    );
    if (input.listId && !subs.length)
      throw new DomainError('NOT_FOUND', 'The contact is not subscribed to this list');
    const now = ctx.clock.now();
    const ending = subs.filter((s) => s.status !== 'unsubscribed');
    if (ending.length)
      await execute(
        tx,
        `update subscription set status = 'unsubscribed', unsubscribed_at = ?, updated_at = ?
          where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [now, now, JSON.stringify(ending.map((s) => s.id))],
        'run',
      );
    const personal = { email: contact.email, ip: input.ip, userAgent: input.userAgent, source: input.source };
    const events: ConsentEventInput[] = ending.map((s) => ({
      contactId: contact.id,
      listId: s.list_id,
      type: 'unsubscribed',
      method: input.method,
      personal,
    }));
    let suppressed = false;
    if (!input.listId) {
      events.push({
        contactId: contact.id,
        listId: null,
        type: 'consent_withdrawn',
        method: input.method,
        personal,
      });
      const result = await suppressInTx(tx, ctx, workspaceId, {
        addresses: [{ email: contact.email, normalized: contact.emailNormalized }],
        reason: 'unsubscribed',
        source: input.source ?? `unsubscribe:${input.method}`,
        contactId: contact.id,
      });
      suppressed = result.added.length > 0;
    }
    await writeConsentEvents(tx, ctx, workspaceId, events);
    const changed = ending.length > 0 || suppressed;
    if (changed)
      await recordEvents(tx, ctx.clock, workspaceId, 'contact.unsubscribed', [
        {
          contact_id: contact.id,
          list_id: input.listId ?? null,
          status: 'unsubscribed',
          method: input.method,
        },
      ]);
    return { changed, lists: ending.map((s) => s.list_id), suppressed };
  });
}
