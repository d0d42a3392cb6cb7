// The caller's workspaces: list, create, rename, leave.
import {
  ZCreateWorkspaceRequest,
  ZOk,
  ZRenameWorkspaceRequest,
  ZWorkspace,
  ZWorkspaceList,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  createOwnedWorkspace,
  leaveWorkspace,
  listWorkspaces,
  renameWorkspace,
  toWorkspaceDto,
} from '@postern/core';
import { authedProcedure, router, workspaceProcedure } from '../../trpc.ts';
import { setRequireTwoFactorProcedure } from './require-two-factor.ts';

export const workspacesRouter = router({
  list: authedProcedure
    .output(ZWorkspaceList)
    .query(async ({ ctx }) => ({ workspaces: await listWorkspaces(ctx.core, ctx.user.id) })),

  create: authedProcedure
    .input(ZCreateWorkspaceRequest)
    .output(ZWorkspace)
    .mutation(async ({ ctx, input }) => {
      const max = ctx.core.config.maxWorkspacesPerAccount;
      const workspace = await createOwnedWorkspace(ctx.core, ctx.user.id, input.name, max);
      return toWorkspaceDto(workspace, 'owner');
    }),

  get: workspaceProcedure
    .meta({ permission: 'workspace.read' })
    .input(ZWorkspaceScoped)
    .output(ZWorkspace)
    .query(({ ctx }) => toWorkspaceDto(ctx.workspace, ctx.membership.role)),

  rename: workspaceProcedure
    .meta({ permission: 'workspace.rename' })
    .input(ZRenameWorkspaceRequest)
    .output(ZWorkspace)
    .mutation(async ({ ctx, input }) => {
      const workspace = await renameWorkspace(ctx.core, input.workspaceId, ctx.user.id, input.name);
      return toWorkspaceDto(workspace, ctx.membership.role);
    }),

  leave: workspaceProcedure
    // A member who will not turn on two-factor authentication can still leave a workspace requiring it.
    .meta({ permission: 'workspace.read', withoutTwoFactor: true })
    .input(ZWorkspaceScoped)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await leaveWorkspace(ctx.core, input.workspaceId, ctx.user.id);
      return { ok: true as const };
    }),

  setRequireTwoFactor: setRequireTwoFactorProcedure,
});
