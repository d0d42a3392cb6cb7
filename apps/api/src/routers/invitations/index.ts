// The invitee's side: preview an invitation from its emailed link, accept or decline it.
import { ZInvitationPreview, ZInvitationTokenRequest, ZOk, ZWorkspace } from '@postern/contracts';
import {
  acceptInvitation,
  declineInvitation,
  previewInvitation,
  resolveMembership,
  toWorkspaceDto,
} from '@postern/core';
import { authedProcedure, publicProcedure, router } from '../../trpc.ts';

export const invitationsRouter = router({
  // A mutation although it changes nothing: queries go over GET with their input in the URL, and a
  // URL ends up in logs and browser history; the token must not.
  preview: publicProcedure
    .input(ZInvitationTokenRequest)
    .output(ZInvitationPreview)
    .mutation(({ ctx, input }) => previewInvitation(ctx.core, input.token)),

  accept: authedProcedure
    .input(ZInvitationTokenRequest)
    .output(ZWorkspace)
    .mutation(async ({ ctx, input }) => {
      const workspaceId = await acceptInvitation(ctx.core, ctx.user, input.token);
      const { workspace, membership } = await resolveMembership(ctx.core, workspaceId, ctx.user.id);
      return toWorkspaceDto(workspace, membership.role);
    }),

  decline: authedProcedure
    .input(ZInvitationTokenRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await declineInvitation(ctx.core, ctx.user, input.token);
      return { ok: true as const };
    }),
});
