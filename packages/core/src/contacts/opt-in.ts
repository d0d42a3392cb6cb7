// Double opt-in (#30): the confirmation link's token, the confirmation email, and the list-bombing
// limits. The token is 32 random bytes (base64url); only its keyed hash (HMAC under a key derived
// from POSTERN_SECRET, purpose `opt-in-token`) is stored, so the link is unforgeable (a guess has to
// hit a 256-bit value) and a database dump confirms nothing. Single use (used_at), expiring
// (OPT_IN_LINK_TTL_DAYS), bound to contact + list + workspace, deleted with any of them.
// confirmOptIn() marks the token used and runs the core's confirm() in one transaction: the ledger
// gets the confirming request's IP, user agent and time.
import { DEFAULT_CONFIRMATION_BODY, DEFAULT_CONFIRMATION_SUBJECT } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import type { KvStore } from '@postern/runtime';
import type { CoreContext } from '../context.ts';
import { keyedHash, randomToken } from '../crypto/hash.ts';
import { escapeHtml } from '../html.ts';
import { confirm } from './subscribe.ts';

const DAY_MS = 86_400_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const optInTokenHash = (secret: string, token: string) => keyedHash(secret, 'opt-in-token', token);

/** Creates a confirmation link token for (contact, list); returns the token (never stored in clear). */
export async function issueOptInToken(
  em: EntityManager,
  ctx: Pick<CoreContext, 'config' | 'clock'>,
  ref: { workspaceId: string; contactId: string; listId: string },
): Promise<string> {
  const token = randomToken(32);
  const now = ctx.clock.now();
  const expires = new Date(now.getTime() + ctx.config.optIn.linkTtlDays * DAY_MS);
  await execute(
    em,
    `insert into opt_in_token (token_hash, workspace_id, contact_id, list_id, expires_at, used_at, created_at)
       values (?, ?, ?, ?, ?, null, ?)`,
    [optInTokenHash(ctx.config.secret, token), ref.workspaceId, ref.contactId, ref.listId, expires, now],
    'run',
  );
  return token;
}

export type OptInTokenState =
  | { state: 'unknown' }
  | { state: 'expired' | 'used' | 'valid'; workspaceId: string; contactId: string; listId: string };

/** What a link's token is, without using it (the GET page). Tampered or unknown tokens are `unknown`. */
export async function inspectOptInToken(
  em: EntityManager,
  ctx: Pick<CoreContext, 'config' | 'clock'>,
  token: string,
): Promise<OptInTokenState> {
  if (!TOKEN_SHAPE.test(token)) return { state: 'unknown' };
  const [row] = await execute<
    { workspace_id: string; contact_id: string; list_id: string; expires_at: Date; used_at: Date | null }[]
  >(
    em,
    'select workspace_id, contact_id, list_id, expires_at, used_at from opt_in_token where token_hash = ?',
    [optInTokenHash(ctx.config.secret, token)],
  );
  if (!row) return { state: 'unknown' };
  const ref = { workspaceId: row.workspace_id, contactId: row.contact_id, listId: row.list_id };
  if (row.used_at) return { state: 'used', ...ref };
  if (new Date(row.expires_at).getTime() <= ctx.clock.now().getTime()) return { state: 'expired', ...ref };
  return { state: 'valid', ...ref };
}

/**
 * The POST from the confirmation page: uses the token (once, atomically) and confirms the
 * subscription, recording the request's IP and user agent. Returns the token's state before use:
 * only `valid` confirmed anything.
 */
export async function confirmOptIn(
  ctx: CoreContext,
  token: string,
  request: { ip: string | null; userAgent: string | null },
): Promise<OptInTokenState> {
  const before = await inspectOptInToken(ctx.em, ctx, token);
  if (before.state !== 'valid') return before;
  return ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const used = await execute<{ token_hash: string }[]>(
      tx,
      `update opt_in_token set used_at = ? where token_hash = ? and used_at is null and expires_at > ?
        returning token_hash`,
      [now, optInTokenHash(ctx.config.secret, token), now],
    );
    // Another request used it a moment ago.
    if (!used.length) return { ...before, state: 'used' as const };
    await confirm({ ...ctx, em: tx }, before.workspaceId, {
      listId: before.listId,
      contactId: before.contactId,
      ip: request.ip?.slice(0, 64) ?? null,
      userAgent: request.userAgent?.slice(0, 512) ?? null,
    });
    return before;
  });
}

/**
 * List bombing: at most one confirmation email per address per list per 24 hours, and
 * OPT_IN_ADDRESS_MAILS_PER_HOUR per address across the instance. Counters in the KV store are keyed
 * by a keyed hash of the normalised address (never the address). True: the caller may send now.
 */
export async function claimConfirmationSend(
  kv: KvStore,
  config: Pick<CoreContext['config'], 'secret' | 'optIn'>,
  normalizedAddress: string,
  listId: string,
): Promise<boolean> {
  const address = keyedHash(config.secret, 'opt-in-address', normalizedAddress);
  const listKey = `optin:list:${keyedHash(config.secret, 'opt-in-address-list', `${listId}\u0000${normalizedAddress}`)}`;
  if ((await kv.incr(listKey, 86_400)) > 1) return false;
  if ((await kv.incr(`optin:addr:${address}`, 3_600)) > config.optIn.addressMailsPerHour) {
    // Nothing was sent for this list: its 24-hour slot stays free for a later try.
    await kv.del(listKey);
    return false;
  }
  return true;
}

export interface ConfirmationMailInput {
  to: string;
  listName: string;
  subject: string | null;
  body: string | null;
  confirmUrl: string;
}

/**
 * The confirmation email from the list's template: `{{list}}` and `{{confirm_url}}` are replaced.
 * Plain text, and a minimal HTML alternative where every value is escaped and the link is the only
 * markup added.
 */
export function renderConfirmationMail(input: ConfirmationMailInput) {
  const template = input.body ?? DEFAULT_CONFIRMATION_BODY;
  const subject = (input.subject ?? DEFAULT_CONFIRMATION_SUBJECT)
    .replaceAll('{{list}}', input.listName)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const withUrl = template.includes('{{confirm_url}}') ? template : `${template}\n\n{{confirm_url}}\n`;
  const text = withUrl.replaceAll('{{list}}', input.listName).replaceAll('{{confirm_url}}', input.confirmUrl);
  const link = `<a href="${escapeHtml(input.confirmUrl)}">${escapeHtml(input.confirmUrl)}</a>`;
  const paragraphs = withUrl
    .split(/\n{2,}/)
    .map((para) =>
      para
        .split('{{confirm_url}}')
        .map((part) => escapeHtml(part.replaceAll('{{list}}', input.listName)).replace(/\n/g, '<br>'))
        .join(link),
    )
    .filter((para) => para.trim().length > 0)
    .map((para) => `<p>${para}</p>`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${paragraphs.join('\n')}</body></html>`;
  return { to: input.to, subject, text, html, fromName: input.listName };
}
