import { ZOk } from '@postern/contracts';
import { signOut as endSession } from '@postern/core';
import { clearSessionCookies } from '../../auth-cookies.ts';
import { authedProcedure } from '../../trpc.ts';

export const signOut = authedProcedure.output(ZOk).mutation(async ({ ctx }) => {
  await endSession(ctx.core, ctx.session.id);
  clearSessionCookies(ctx.res, ctx.deps.config);
  return { ok: true as const };
});
