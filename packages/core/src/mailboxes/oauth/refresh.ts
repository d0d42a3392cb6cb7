// Renewing access tokens before they expire (the worker's `mailboxes.oauth_refresh`, every minute).
// Single-flight across worker processes: a batch of due rows is claimed by setting a lease in one
// statement over `FOR UPDATE SKIP LOCKED`, so two refreshers never claim the same row, and no
// transaction is held while the provider is being called. The new access token and a rotated refresh
// token (Microsoft rotates them) are written together in one compare-and-set UPDATE. `invalid_grant`
// (Google "Token has been expired or revoked.", Microsoft AADSTS70000/AADSTS700082) and Microsoft's
// `interaction_required` (AADSTS50076: the account now needs MFA or another sign-in step only its
// user can do) mark the mailbox `reconnect_required` (tokens deleted, sending paused), notify owners
// and admins and are audited. A refusal that is the operator's to fix (`invalid_client`: wrong client
// id or secret, …) leaves every mailbox as it is and is reported in the summary's `operatorErrors`
// (the worker logs it); a provider that is down leaves the mailbox as it is and is tried again a
// minute later.

import { execute } from '@postern/db';
import { auditLabel } from '../../audit/labels.ts';
import { recordAudit } from '../../audit/record.ts';
import { type CoreContext, NO_REQUEST_META } from '../../context.ts';
import { notifyUsers } from '../../events/outbox.ts';
import { OAuthProviderError, refreshAccessToken } from './http.ts';
import { configuredProvider, isOAuthProvider, OAUTH_PROVIDERS } from './providers.ts';
import { accessTokenContext, refreshTokenContext } from './tokens.ts';

export type RefreshCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'config'>;

export interface RefreshOptions {
  batchSize?: number;
  /** Provider calls in flight at once. */
  concurrency?: number;
  /** How long a claim keeps other refreshers away (a crashed refresher's rows come back after it). */
  leaseSeconds?: number;
  /** Stop claiming new batches after this long (the job's expiry is 5 minutes). */
  budgetMs?: number;
}

export interface RefreshSummary {
  claimed: number;
  refreshed: number;
  rotated: number;
  reconnectRequired: number;
  /** Provider unreachable or refusing otherwise: retried on a later run. */
  deferred: number;
  /** Refusals only the operator can fix (client id/secret, app registration), one line each, no secrets. */
  operatorErrors: string[];
}

/** Refusals that only the mailbox's user can fix by connecting it again. */
const RECONNECT_ERRORS = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
]);
/** Refusals of Postern's own client registration (RFC 6749 §5.2): the operator's configuration. */
const OPERATOR_ERRORS = new Set([
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);

interface Claimed {
  id: string;
  workspace_id: string;
  email: string;
  provider: string;
  refresh_token: string;
}

/** Claims up to `limit` mailboxes whose access token expires within the window. */
async function claim(ctx: RefreshCtx, limit: number, leaseSeconds: number): Promise<Claimed[]> {
  const now = ctx.clock.now();
  const due = new Date(now.getTime() + ctx.config.mailboxes.oauth.refreshWindowSeconds * 1000);
  const lease = new Date(now.getTime() + leaseSeconds * 1000);
  return execute<Claimed[]>(
    ctx.em,
    `update mailbox set refresh_lease_until = ?
      where id in (
        select id from mailbox
         where provider in ('gmail', 'outlook') and status = 'connected' and refresh_token is not null
           and token_expires_at < ? and (refresh_lease_until is null or refresh_lease_until < ?)
         order by token_expires_at
         limit ? for update skip locked)
      returning id, workspace_id, email, provider, refresh_token`,
    [lease, due, now, limit],
  );
}

type Outcome = 'refreshed' | 'rotated' | 'reconnect_required' | 'deferred' | { operatorError: string };

async function refreshOne(ctx: RefreshCtx, row: Claimed): Promise<Outcome> {
  if (!isOAuthProvider(row.provider)) return 'deferred';
  const client = configuredProvider(ctx.config, row.provider);
  const refreshToken = ctx.keyring.decryptString(row.refresh_token, refreshTokenContext(row.id));
  try {
    const tokens = await refreshAccessToken(client, refreshToken, ctx.config.mailboxes.connectTimeoutMs);
    const now = ctx.clock.now();
    const rotated = tokens.refreshToken !== null && tokens.refreshToken !== refreshToken;
    // One statement: the access token and the (possibly rotated) refresh token land together, and
    // only if the row still holds the refresh token used (not disconnected or reconnected meanwhile).
    await execute(
      ctx.em,
      `update mailbox set access_token = ?, refresh_token = ?, token_expires_at = ?, last_refresh_at = ?,
              refresh_lease_until = null, updated_at = ?
        where id = ? and refresh_token = ?`,
      [
        ctx.keyring.encrypt(tokens.accessToken, accessTokenContext(row.id)),
        rotated
          ? ctx.keyring.encrypt(tokens.refreshToken as string, refreshTokenContext(row.id))
          : row.refresh_token,
        new Date(now.getTime() + tokens.expiresIn * 1000),
        now,
        now,
        row.id,
        row.refresh_token,
      ],
      'run',
    );
    return rotated ? 'rotated' : 'refreshed';
  } catch (error) {
    if (!(error instanceof OAuthProviderError)) throw error;
    const code = error.kind === 'invalid_grant' ? 'invalid_grant' : error.oauthError;
    if (error.kind !== 'unavailable' && code && RECONNECT_ERRORS.has(code)) {
      await markReconnectRequired(ctx, row, code);
      return 'reconnect_required';
    }
    if (error.kind === 'rejected' && code && OPERATOR_ERRORS.has(code)) {
      const name = row.provider === 'gmail' ? 'GOOGLE' : 'MICROSOFT';
      return {
        operatorError: `${OAUTH_PROVIDERS[row.provider].label} refused Postern's OAuth client (${code}): check OAUTH_${name}_CLIENT_ID and OAUTH_${name}_CLIENT_SECRET and the app registration`,
      };
    }
    // Down, slow, or another refusal: keep the lease a minute (back-off), status unchanged.
    return 'deferred';
  }
}

/** `invalid_grant`: the grant is gone. Tokens deleted, sending paused, owners/admins told, audited. */
async function markReconnectRequired(ctx: RefreshCtx, row: Claimed, reason: string): Promise<void> {
  const label = OAUTH_PROVIDERS[row.provider as 'gmail' | 'outlook'].label;
  await ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const res = await execute<{ affectedRows: number }>(
      tx,
      `update mailbox set status = 'reconnect_required', access_token = null, refresh_token = null,
              token_expires_at = null, refresh_lease_until = null, updated_at = ?
        where id = ? and refresh_token = ?`,
      [now, row.id, row.refresh_token],
      'run',
    );
    if (!res.affectedRows) return;
    const people = await execute<{ user_id: string }[]>(
      tx,
      "select user_id from workspace_member where workspace_id = ? and role in ('owner', 'admin')",
      [row.workspace_id],
    );
    await notifyUsers(tx, ctx.clock, {
      userIds: people.map((p) => p.user_id),
      workspaceId: row.workspace_id,
      kind: 'mailbox.reconnect_required',
      title: `Reconnect ${row.email}`,
      body:
        reason === 'invalid_grant'
          ? `${label} no longer accepts Postern's access to ${row.email} (it was revoked, the password changed, or the grant expired). Sending through it is paused until someone connects it again.`
          : `${label} wants ${row.email} to sign in again (for example a new multi-factor authentication requirement). Sending through it is paused until someone connects it again.`,
      link: `/w/${row.workspace_id}/mailboxes/${row.id}`,
    });
    recordAudit(tx, ctx.clock, {
      type: 'mailbox.reconnect_required',
      actorId: null,
      workspaceId: row.workspace_id,
      target: { type: 'mailbox', id: row.id, label: auditLabel('mailbox', row.id, row.email) },
      meta: NO_REQUEST_META,
      metadata: { email: row.email, provider: row.provider, reason },
    });
  });
}

/** One run of the refresh job: claims and refreshes batches until nothing is due or the budget ends. */
export async function refreshDueMailboxTokens(
  ctx: RefreshCtx,
  options: RefreshOptions = {},
): Promise<RefreshSummary> {
  const { batchSize = 100, concurrency = 8, leaseSeconds = 60, budgetMs = 240_000 } = options;
  const started = Date.now();
  const summary: RefreshSummary = {
    claimed: 0,
    refreshed: 0,
    rotated: 0,
    reconnectRequired: 0,
    deferred: 0,
    operatorErrors: [],
  };
  while (Date.now() - started < budgetMs) {
    const rows = await claim(ctx, batchSize, leaseSeconds);
    if (!rows.length) break;
    summary.claimed += rows.length;
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++] as Claimed;
        const outcome = await refreshOne({ ...ctx, em: ctx.em.fork() }, row).catch(() => 'deferred' as const);
        if (outcome === 'refreshed') summary.refreshed++;
        else if (outcome === 'rotated') {
          summary.refreshed++;
          summary.rotated++;
        } else if (outcome === 'reconnect_required') summary.reconnectRequired++;
        else {
          summary.deferred++;
          if (typeof outcome === 'object' && !summary.operatorErrors.includes(outcome.operatorError))
            summary.operatorErrors.push(outcome.operatorError);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
  }
  return summary;
}
