// Members and invitations of one workspace.
import {
  ZChangeRoleRequest,
  ZInviteRequest,
  ZMemberList,
  ZOk,
  ZRemoveMemberRequest,
  ZRevokeInvitationRequest,
  ZWorkspaceScoped,
} from '@postern/contracts';
import { changeRole, inviteMember, listMembers, removeMember, revokeInvitation } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

const actor = (ctx: {
  user: { id: string };
  membership: { role: 'owner' | 'admin' | 'member' | 'viewer' };
}) => ({
  userId: ctx.user.id,
  role: ctx.membership.role,
});

export const membersRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'members.read' })
    .input(ZWorkspaceScoped)
    .output(ZMemberList)
    .query(({ ctx, input }) => listMembers(ctx.core, input.workspaceId, ctx.user.id)),

  invite: workspaceProcedure
    .meta({ permission: 'members.manage' })
    .input(ZInviteRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await inviteMember(ctx.core, input.workspaceId, ctx.user.id, {
        email: input.email,
        role: input.role,
      });
      return { ok: true as const };
    }),

  revokeInvitation: workspaceProcedure
    .meta({ permission: 'members.manage' })
    .input(ZRevokeInvitationRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.core, input.workspaceId, ctx.user.id, input.invitationId);
      return { ok: true as const };
    }),

  changeRole: workspaceProcedure
    .meta({ permission: 'members.manage' })
    .input(ZChangeRoleRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await changeRole(ctx.core, input.workspaceId, actor(ctx), input.memberId, input.role);
      return { ok: true as const };
    }),

  remove: workspaceProcedure
    .meta({ permission: 'members.manage' })
    .input(ZRemoveMemberRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.core, input.workspaceId, actor(ctx), input.memberId);
      return { ok: true as const };
    }),
});
