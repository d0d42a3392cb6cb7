// Workspace ownership (#28): transfer it to another member, delete the workspace (owners; 30 days of
// grace, cancellable; erased by the worker, erasure/erasure-job.ts), and whether a member may leave.
import type { Role } from '@postern/contracts';
import type { User } from '@postern/db';
import { Membership, Workspace } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { erasureDate } from '../auth/deletion-pending.ts';
import type { CoreContext } from '../context.ts';
import {
  cancelWorkspaceJobs,
  confirmIdentity,
  type KeyMarkers,
  setKeyMarkers,
} from '../erasure/account-deletion.ts';
import { DomainError } from '../errors.ts';

type Actor = { userId: string; role: Role };

function requireOwner(actor: Actor, what: string) {
  if (actor.role !== 'owner') throw new DomainError('FORBIDDEN', `Only an owner can ${what}`);
}

/** Whether the member may leave: the only owner may not (the dashboard disables the button and says why). */
export async function leaveState(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  userId: string,
): Promise<{ canLeave: boolean; reason: string | null }> {
  const member = await ctx.em.findOne(Membership, { workspaceId, userId });
  if (!member) throw new DomainError('NOT_FOUND', 'No such workspace');
  if (member.role !== 'owner') return { canLeave: true, reason: null };
  const owners = await ctx.em.count(Membership, { workspaceId, role: 'owner' });
  if (owners > 1) return { canLeave: true, reason: null };
  return {
    canLeave: false,
    reason: 'You are the only owner. Transfer ownership to another member first, or delete the workspace.',
  };
}

/** Makes another member the owner; the previous owner becomes an admin. Audited. */
export async function transferOwnership(
  ctx: CoreContext,
  workspaceId: string,
  actor: Actor,
  toMemberId: string,
): Promise<void> {
  requireOwner(actor, 'transfer ownership');
  await ctx.em.transactional(async (tx) => {
    const target = await tx.findOne(Membership, { id: toMemberId, workspaceId });
    if (!target) throw new DomainError('NOT_FOUND', 'No such member');
    if (target.userId === actor.userId)
      throw new DomainError('BAD_REQUEST', 'You already own this workspace');
    const from = await tx.findOneOrFail(Membership, { workspaceId, userId: actor.userId });
    const previous = target.role;
    target.role = 'owner';
    from.role = 'admin';
    recordAudit(tx, ctx.clock, {
      type: 'workspace.ownership_transferred',
      actorId: actor.userId,
      workspaceId,
      target: { type: 'user', id: target.userId },
      meta: ctx.meta,
      metadata: {
        from: { owner: actor.userId, role: previous },
        to: { owner: target.userId, previousOwnerRole: 'admin' },
      },
    });
  });
}

/** Owners: the workspace's keys are refused and its jobs cancelled at once; erased after 30 days. */
export async function requestWorkspaceDeletion(
  ctx: CoreContext,
  workspaceId: string,
  actor: Actor,
  user: User,
  input: { password: string; code?: string | undefined },
  markers: KeyMarkers | null,
): Promise<{ eraseAt: Date }> {
  requireOwner(actor, 'delete the workspace');
  await confirmIdentity(ctx, user, input);
  const now = ctx.clock.now();
  const claimed = await ctx.em.transactional(async (tx) => {
    const changed = await tx.nativeUpdate(
      Workspace,
      { id: workspaceId, deletionRequestedAt: null },
      { deletionRequestedAt: now, deletionRequestedBy: actor.userId, deletionCause: 'workspace' },
    );
    if (changed !== 1) return false;
    recordAudit(tx, ctx.clock, {
      type: 'workspace.deletion_requested',
      actorId: actor.userId,
      workspaceId,
      target: { type: 'workspace', id: workspaceId },
      meta: ctx.meta,
      metadata: { eraseAt: erasureDate(now).toISOString() },
    });
    return true;
  });
  if (!claimed) throw new DomainError('CONFLICT', 'The deletion of this workspace is already requested');
  await setKeyMarkers(ctx, markers, [workspaceId], true);
  await cancelWorkspaceJobs(ctx, [workspaceId]);
  return { eraseAt: erasureDate(now) };
}

export async function cancelWorkspaceDeletion(
  ctx: CoreContext,
  workspaceId: string,
  actor: Actor,
): Promise<void> {
  requireOwner(actor, 'cancel the deletion');
  const changed = await ctx.em.transactional(async (tx) => {
    const n = await tx.nativeUpdate(
      Workspace,
      { id: workspaceId, deletionCause: 'workspace' },
      { deletionRequestedAt: null, deletionRequestedBy: null, deletionCause: null },
    );
    if (n === 1)
      recordAudit(tx, ctx.clock, {
        type: 'workspace.deletion_cancelled',
        actorId: actor.userId,
        workspaceId,
        target: { type: 'workspace', id: workspaceId },
        meta: ctx.meta,
      });
    return n;
  });
  if (changed !== 1) throw new DomainError('CONFLICT', 'No deletion of this workspace is pending');
  await setKeyMarkers(ctx, null, [workspaceId], false);
}
