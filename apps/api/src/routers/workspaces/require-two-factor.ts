// Owners require two-factor authentication of every member of the workspace (ASVS 6.3.3).
import { ZRequireTwoFactorRequest, ZRequireTwoFactorResult } from '@postern/contracts';
import { setRequireTwoFactor } from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';

export const setRequireTwoFactorProcedure = workspaceProcedure
  .meta({ permission: 'workspace.security' })
  .input(ZRequireTwoFactorRequest)
  .output(ZRequireTwoFactorResult)
  .mutation(({ ctx, input }) => setRequireTwoFactor(ctx.core, ctx.workspace, ctx.user.id, input.required));
