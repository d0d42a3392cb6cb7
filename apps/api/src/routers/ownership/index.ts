// Workspace ownership (#28): whether the caller may leave (the only owner may not: the dashboard
// disables the button with the reason), transfer of ownership, and deletion with 30 days of grace.
import {
  ZDeletionScheduled,
  ZLeaveState,
  ZOk,
  ZTransferOwnershipRequest,
  ZWorkspaceDeletionRequest,
  ZWorkspaceDeletionState,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  cancelWorkspaceDeletion,
  erasureDate,
  leaveState,
  requestWorkspaceDeletion,
  transferOwnership,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const ownershipRouter = router({
  leaveState: workspaceProcedure
    .meta({ permission: 'workspace.read', withoutTwoFactor: true })
    .input(ZWorkspaceScoped)
    .output(ZLeaveState)
    .query(({ ctx }) => leaveState(ctx.core, ctx.workspace.id, ctx.user.id)),

  deletionState: workspaceProcedure
    .meta({ permission: 'workspace.read' })
    .input(ZWorkspaceScoped)
    .output(ZWorkspaceDeletionState)
    .query(({ ctx }) => {
      const requestedAt = ctx.workspace.deletionRequestedAt ?? null;
      return {
        deletionRequestedAt: requestedAt?.toISOString() ?? null,
        eraseAt: requestedAt ? erasureDate(requestedAt).toISOString() : null,
      };
    }),

  transfer: workspaceProcedure
    .meta({ permission: 'workspace.ownership' })
    .input(ZTransferOwnershipRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await transferOwnership(ctx.core, ctx.workspace.id, ctx.membership, input.memberId);
      return { ok: true as const };
    }),

  requestDeletion: workspaceProcedure
    .meta({ permission: 'workspace.ownership' })
    .input(ZWorkspaceDeletionRequest)
    .output(ZDeletionScheduled)
    .mutation(async ({ ctx, input }) => {
      const result = await requestWorkspaceDeletion(
        ctx.core,
        ctx.workspace.id,
        ctx.membership,
        ctx.user,
        input,
        ctx.deps.limiter,
      );
      ctx.deps.apiKeys.forget();
      return { eraseAt: result.eraseAt.toISOString() };
    }),

  cancelDeletion: workspaceProcedure
    .meta({ permission: 'workspace.ownership' })
    .input(ZWorkspaceScoped)
    .output(ZOk)
    .mutation(async ({ ctx }) => {
      await cancelWorkspaceDeletion(ctx.core, ctx.workspace.id, ctx.membership);
      ctx.deps.apiKeys.forget();
      return { ok: true as const };
    }),
});
