import { ZChangePasswordRequest, ZOk } from '@postern/contracts';
import { changePassword as change } from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const changePassword = authedProcedure
  .input(ZChangePasswordRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await change(ctx.core, ctx.user, ctx.session.id, input);
    return { ok: true as const };
  });
