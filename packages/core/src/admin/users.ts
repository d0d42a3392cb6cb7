// The operator console's user commands: list and show (never a secret: no hash, no TOTP secret, no
// token — only whether they exist), reset the second factor, disable and enable an account.
import { ApiKey, execute, RecoveryCode, Session, TwoFactorChallenge, User } from '@postern/db';
import { revokedMarker } from '../api-keys/keys.ts';
import { recordAudit } from '../audit/record.ts';
import { type CoreContext, NO_REQUEST_META } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit/token-bucket.ts';
import { suspendedWorkspaces } from '../workspaces/limits.ts';
import { type Operator, recordInstanceAudit } from './audit.ts';
import { containing, findUser, listPage } from './lookup.ts';
import { twoFactorResetNotice } from './messages.ts';

type AdminCtx = Pick<CoreContext, 'em' | 'clock' | 'config' | 'kv' | 'sendMail'>;

/**
 * How long the markers that refuse a suspended workspace's keys at once live: longer than any API
 * process caches a key record (5 s), after which the database check takes over.
 */
export const SUSPENSION_MARKER_SECONDS = 120;

export interface AdminUserRow {
  id: string;
  email: string;
  emailVerified: boolean;
  twoFactor: boolean;
  disabledAt: string | null;
  createdAt: string;
  workspaces: number;
  lastActiveAt: string | null;
}

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Users, oldest first, optionally filtered by a part of the address and/or disabled ones only. */
export async function listUsers(
  ctx: Pick<CoreContext, 'em'>,
  options: { search?: string | undefined; disabledOnly?: boolean; limit: number; offset: number },
): Promise<{ total: number; users: AdminUserRow[] }> {
  const conditions: [string, ...unknown[]][] = [];
  if (options.search) conditions.push(['u.email ilike ?', containing(options.search)]);
  if (options.disabledOnly) conditions.push(['u.disabled_at is not null']);
  const { total, rows } = await listPage(
    ctx.em,
    {
      select: `u.id, u.email, u.email_verified_at, u.totp_enabled_at, u.disabled_at, u.created_at,
            (select count(*)::int from workspace_member m where m.user_id = u.id) as workspaces,
            (select max(s.last_active_at) from auth_session s where s.user_id = u.id) as last_active_at`,
      from: 'app_user u',
      order: 'u.created_at, u.id',
    },
    conditions,
    options,
  );
  return {
    total,
    users: rows.map((row) => ({
      id: String(row.id),
      email: String(row.email),
      emailVerified: row.email_verified_at !== null,
      twoFactor: row.totp_enabled_at !== null,
      disabledAt: iso(row.disabled_at as Date | null),
      createdAt: iso(row.created_at as Date) ?? '',
      workspaces: Number(row.workspaces),
      lastActiveAt: iso(row.last_active_at as Date | null),
    })),
  };
}

/** One user: the account's state, its live sessions and its workspaces with the role in each. */
export async function showUser(ctx: Pick<CoreContext, 'em' | 'clock'>, emailOrId: string) {
  const user = await findUser(ctx, emailOrId);
  const now = ctx.clock.now();
  const sessions = await ctx.em.count(Session, { userId: user.id, revokedAt: null, expiresAt: { $gt: now } });
  const recoveryCodesLeft = await ctx.em.count(RecoveryCode, { userId: user.id, usedAt: null });
  const workspaces = await execute<{ id: string; name: string; plan: string; role: string }[]>(
    ctx.em,
    `select w.id, w.name, w.plan, m.role from workspace_member m join workspace w on w.id = m.workspace_id
      where m.user_id = ? order by m.created_at`,
    [user.id],
  );
  return {
    id: user.id,
    email: user.email,
    emailVerifiedAt: iso(user.emailVerifiedAt),
    twoFactorSince: iso(user.totpEnabledAt),
    recoveryCodesLeft,
    passwordChangedAt: iso(user.passwordChangedAt),
    disabledAt: iso(user.disabledAt),
    createdAt: iso(user.createdAt) ?? '',
    liveSessions: sessions,
    workspaces,
  };
}

/**
 * Removes the second factor and the recovery codes, ends every session and pending sign-in step, then
 * mails the user. The operator proves the requester's identity first (docs/operations.md).
 */
export async function resetTwoFactor(ctx: AdminCtx, emailOrId: string, operator: Operator) {
  const user = await findUser(ctx, emailOrId);
  if (!user.totpEnabledAt && !user.totpSecret)
    throw new DomainError(
      'CONFLICT',
      `${user.email} does not use two-factor authentication: nothing to reset`,
    );
  const now = ctx.clock.now();
  const result = await ctx.em.transactional(async (tx) => {
    await tx.nativeUpdate(
      User,
      { id: user.id },
      { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
    );
    const recoveryCodes = await tx.nativeDelete(RecoveryCode, { userId: user.id });
    await tx.nativeUpdate(TwoFactorChallenge, { userId: user.id, consumedAt: null }, { consumedAt: now });
    const sessionsRevoked = await tx.nativeUpdate(
      Session,
      { userId: user.id, revokedAt: null },
      { revokedAt: now, revokedReason: 'two_factor_reset' },
    );
    // The account's own log shows it too (its owner reads it on the security page).
    recordAudit(tx, ctx.clock, {
      type: 'auth.two_factor_disabled',
      actorId: user.id,
      meta: NO_REQUEST_META,
      metadata: { by: 'instance_operator', sessionsRevoked },
    });
    recordInstanceAudit(tx, ctx.clock, {
      type: 'instance.two_factor_reset',
      operator,
      target: { type: 'user', id: user.id },
      metadata: { email: user.email, recoveryCodesRemoved: recoveryCodes, sessionsRevoked },
    });
    return { sessionsRevoked, recoveryCodesRemoved: recoveryCodes };
  });
  await ctx.sendMail(twoFactorResetNotice({ to: user.email, publicUrl: ctx.config.publicUrl }));
  return { email: user.email, ...result };
}

/**
 * Disables (or enables again) an account. Disabling ends every session at once (each request reads
 * its session row) and suspends the workspaces whose every owner is now disabled: their keys are
 * refused at once on every API process through revocation markers in the KV store, and by the
 * database check once the processes' key caches expire. Enabling lifts both.
 */
export async function setUserDisabled(
  ctx: AdminCtx,
  limiter: Pick<RateLimiter, 'markRevoked'>,
  emailOrId: string,
  operator: Operator,
  disable: boolean,
) {
  const user = await findUser(ctx, emailOrId);
  if (disable && user.disabledAt)
    throw new DomainError(
      'CONFLICT',
      `${user.email} is already disabled (since ${user.disabledAt.toISOString()})`,
    );
  if (!disable && !user.disabledAt) throw new DomainError('CONFLICT', `${user.email} is not disabled`);
  const now = ctx.clock.now();
  const result = await ctx.em.transactional(async (tx) => {
    const owned = await execute<{ workspace_id: string }[]>(
      tx,
      `select workspace_id from workspace_member where user_id = ? and role = 'owner' for update`,
      [user.id],
    );
    const before = await suspendedWorkspaces(
      tx,
      owned.map((row) => row.workspace_id),
    );
    await tx.nativeUpdate(User, { id: user.id }, { disabledAt: disable ? now : null });
    const after = await suspendedWorkspaces(
      tx,
      owned.map((row) => row.workspace_id),
    );
    const sessionsRevoked = disable
      ? await tx.nativeUpdate(
          Session,
          { userId: user.id, revokedAt: null },
          { revokedAt: now, revokedReason: 'account_disabled' },
        )
      : 0;
    const changed = disable
      ? [...after].filter((id) => !before.has(id))
      : [...before].filter((id) => !after.has(id));
    recordInstanceAudit(tx, ctx.clock, {
      type: disable ? 'instance.user_disabled' : 'instance.user_enabled',
      operator,
      target: { type: 'user', id: user.id },
      metadata: {
        email: user.email,
        sessionsRevoked,
        [disable ? 'workspacesSuspended' : 'workspacesRestored']: changed,
      },
    });
    return { sessionsRevoked, workspaces: changed };
  });
  const markers = await applyKeyMarkers(ctx, limiter, result.workspaces, disable);
  return { email: user.email, ...result, keys: markers.keys, markersFailed: markers.failed };
}

/** Sets (or clears) the revocation markers of the live keys of the workspaces; false when the store failed. */
async function applyKeyMarkers(
  ctx: AdminCtx,
  limiter: Pick<RateLimiter, 'markRevoked'>,
  workspaceIds: string[],
  disable: boolean,
) {
  if (!workspaceIds.length) return { keys: 0, failed: false };
  const now = ctx.clock.now();
  const keys = await ctx.em.find(ApiKey, {
    workspaceId: { $in: workspaceIds },
    $or: [{ revokedAt: null }, { revokedAt: { $gt: now } }],
  });
  try {
    for (const key of keys) {
      if (disable) await limiter.markRevoked(revokedMarker(key.id), SUSPENSION_MARKER_SECONDS);
      else await ctx.kv.del(revokedMarker(key.id));
    }
    return { keys: keys.length, failed: false };
  } catch {
    return { keys: keys.length, failed: true };
  }
}
