// "Delete my account" (#28, SPEC §11): confirmed with the password (and a second factor when 2FA is
// on); at once every session ends, the API keys of the workspaces that go with the account are
// refused and their bulk jobs cancelled; 30 days later the worker erases it (erasure-job.ts).
// Until then the account signs in only to cancel (auth/deletion-pending.ts), which restores it all.
import { ApiKey, BulkJob, execute, User, Workspace } from '@postern/db';
import { SUSPENSION_MARKER_SECONDS } from '../admin/users.ts';
import { revokedMarker } from '../api-keys/keys.ts';
import { recordAudit } from '../audit/record.ts';
import { requireCurrentPassword } from '../auth/accounts.ts';
import { erasureDate } from '../auth/deletion-pending.ts';
import { revokeOtherSessions } from '../auth/sessions.ts';
import { TwoFactorThrottle } from '../auth/throttle.ts';
import { consumeRecoveryCode, consumeTotp } from '../auth/two-factor.ts';
import { cancelBulkJob } from '../bulk/lifecycle.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit/token-bucket.ts';
import { accountDeletionRequestedNotice } from './messages.ts';

export type KeyMarkers = Pick<RateLimiter, 'markRevoked'>;

export interface OwnedWorkspace {
  id: string;
  name: string;
  /** Members other than the account. */
  otherMembers: number;
  otherOwners: number;
}

/** What deleting the account does to each workspace the account owns. */
export interface DeletionPlan {
  /** Only this account is in it: erased with the account. */
  erased: OwnedWorkspace[];
  /** Only this account owns it, but others are members: ownership must be transferred first. */
  mustTransfer: OwnedWorkspace[];
  /** Another owner remains: the workspace stays, the account leaves it. */
  remain: OwnedWorkspace[];
}

export async function deletionPlan(ctx: Pick<CoreContext, 'em'>, userId: string): Promise<DeletionPlan> {
  const rows = await execute<{ id: string; name: string; other_members: string; other_owners: string }[]>(
    ctx.em,
    `select w.id, w.name,
            (select count(*) from workspace_member o where o.workspace_id = w.id and o.user_id <> ?) as other_members,
            (select count(*) from workspace_member o where o.workspace_id = w.id and o.user_id <> ? and o.role = 'owner') as other_owners
       from workspace_member m join workspace w on w.id = m.workspace_id
      where m.user_id = ? and m.role = 'owner' order by w.name`,
    [userId, userId, userId],
  );
  const owned = rows.map((row) => ({
    id: row.id,
    name: row.name,
    otherMembers: Number(row.other_members),
    otherOwners: Number(row.other_owners),
  }));
  return {
    erased: owned.filter((w) => w.otherMembers === 0),
    mustTransfer: owned.filter((w) => w.otherMembers > 0 && w.otherOwners === 0),
    remain: owned.filter((w) => w.otherOwners > 0),
  };
}

/**
 * The password, and with 2FA on a current TOTP code or an unused recovery code (consumed), both
 * throttled like sign-in; a wrong one throws UNAUTHENTICATED and changes nothing else.
 */
export async function confirmIdentity(
  ctx: CoreContext,
  user: User,
  input: { password: string; code?: string | undefined },
): Promise<void> {
  await requireCurrentPassword(ctx, user, input.password, 'The password is not correct');
  if (!user.totpEnabledAt) return;
  const code = input.code?.trim() ?? '';
  if (!code)
    throw new DomainError('UNAUTHENTICATED', 'Enter a code from your authenticator app or a recovery code', {
      authFailure: 'code_required',
    });
  const factor = new TwoFactorThrottle(ctx.kv);
  await factor.reserve(user.id);
  const ok = /^\d{6}$/.test(code)
    ? await consumeTotp(ctx, user, code)
    : await consumeRecoveryCode(ctx, user.id, code);
  if (!ok) {
    await factor.failed(user.id);
    throw new DomainError('UNAUTHENTICATED', 'That code is not valid', { authFailure: 'wrong_code' });
  }
  await factor.succeeded(user.id);
}

/** Sets (or clears) the revocation markers of the live keys of `workspaceIds`: refused at once on every API process. */
export async function setKeyMarkers(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'kv'>,
  markers: KeyMarkers | null,
  workspaceIds: string[],
  refuse: boolean,
): Promise<void> {
  if (!workspaceIds.length) return;
  const now = ctx.clock.now();
  const keys = await ctx.em.find(ApiKey, {
    workspaceId: { $in: workspaceIds },
    $or: [{ revokedAt: null }, { revokedAt: { $gt: now } }],
  });
  for (const key of keys) {
    if (refuse) await markers?.markRevoked(revokedMarker(key.id), SUSPENSION_MARKER_SECONDS);
    else await ctx.kv.del(revokedMarker(key.id));
  }
}

/** Cancels the queued and running bulk jobs of the workspaces (their results so far are kept until erased). */
export async function cancelWorkspaceJobs(ctx: CoreContext, workspaceIds: string[]): Promise<number> {
  if (!workspaceIds.length) return 0;
  const jobs = await ctx.em.find(BulkJob, {
    workspaceId: { $in: workspaceIds },
    status: { $in: ['queued', 'running'] },
  });
  for (const job of jobs) await cancelBulkJob(ctx, job.workspaceId, job.id);
  return jobs.length;
}

export async function requestAccountDeletion(
  ctx: CoreContext,
  user: User,
  input: { password: string; code?: string | undefined },
  markers: KeyMarkers | null,
): Promise<{ eraseAt: Date; workspaces: OwnedWorkspace[] }> {
  if (user.deletionRequestedAt)
    throw new DomainError('CONFLICT', 'The deletion of this account is already requested');
  await confirmIdentity(ctx, user, input);
  const plan = await deletionPlan(ctx, user.id);
  if (plan.mustTransfer.length)
    throw new DomainError(
      'CONFLICT',
      `Transfer ownership first: you are the only owner of ${plan.mustTransfer.map((w) => `“${w.name}”`).join(', ')}, which other people use`,
      { mustTransfer: plan.mustTransfer.map(({ id, name }) => ({ id, name })) },
    );
  const now = ctx.clock.now();
  const ids = plan.erased.map((w) => w.id);
  await ctx.em.transactional(async (tx) => {
    const claimed = await tx.nativeUpdate(
      User,
      { id: user.id, deletionRequestedAt: null },
      { deletionRequestedAt: now },
    );
    if (claimed !== 1) throw new DomainError('CONFLICT', 'The deletion of this account is already requested');
    if (ids.length)
      await tx.nativeUpdate(
        Workspace,
        { id: { $in: ids }, deletionRequestedAt: null },
        { deletionRequestedAt: now, deletionRequestedBy: user.id, deletionCause: 'account' },
      );
    const sessions = await revokeOtherSessions(
      { ...ctx, em: tx },
      user.id,
      null,
      'account_deletion_requested',
    );
    recordAudit(tx, ctx.clock, {
      type: 'account.deletion_requested',
      actorId: user.id,
      target: { type: 'user', id: user.id },
      meta: ctx.meta,
      metadata: { eraseAt: erasureDate(now).toISOString(), workspaces: ids, sessionsRevoked: sessions },
    });
  });
  user.deletionRequestedAt = now;
  await setKeyMarkers(ctx, markers, ids, true);
  await cancelWorkspaceJobs(ctx, ids);
  await ctx.sendMail(
    accountDeletionRequestedNotice({
      to: user.email,
      eraseAt: erasureDate(now),
      workspaces: plan.erased.map((w) => w.name),
      publicUrl: ctx.config.publicUrl,
    }),
  );
  return { eraseAt: erasureDate(now), workspaces: plan.erased };
}

/** Within the grace: sign-in, keys and the workspaces that were to go with the account come back. */
export async function cancelAccountDeletion(ctx: CoreContext, user: User): Promise<void> {
  if (!user.deletionRequestedAt) throw new DomainError('CONFLICT', 'No deletion of this account is pending');
  const workspaces = await ctx.em.find(Workspace, { deletionRequestedBy: user.id, deletionCause: 'account' });
  const ids = workspaces.map((w) => w.id);
  await ctx.em.transactional(async (tx) => {
    await tx.nativeUpdate(User, { id: user.id }, { deletionRequestedAt: null });
    if (ids.length)
      await tx.nativeUpdate(
        Workspace,
        { id: { $in: ids } },
        { deletionRequestedAt: null, deletionRequestedBy: null, deletionCause: null },
      );
    recordAudit(tx, ctx.clock, {
      type: 'account.deletion_cancelled',
      actorId: user.id,
      target: { type: 'user', id: user.id },
      meta: ctx.meta,
      metadata: { workspaces: ids },
    });
  });
  user.deletionRequestedAt = null;
  await setKeyMarkers(ctx, null, ids, false);
}
