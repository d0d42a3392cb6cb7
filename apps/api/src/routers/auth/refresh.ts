import { ZOk } from '@postern/contracts';
import { DomainError, refreshSession } from '@postern/core';
import { clearSessionCookies, refreshTokenOf, setSessionCookies } from '../../auth-cookies.ts';
import { publicProcedure } from '../../trpc.ts';

export const refresh = publicProcedure.output(ZOk).mutation(async ({ ctx }) => {
  const token = refreshTokenOf(ctx.req, ctx.deps.config);
  if (!token) throw new DomainError('UNAUTHENTICATED', 'Sign in to continue', { authFailure: 'no_session' });
  try {
    setSessionCookies(ctx.res, ctx.deps.config, await refreshSession(ctx.core, token));
  } catch (error) {
    clearSessionCookies(ctx.res, ctx.deps.config);
    throw error;
  }
  return { ok: true as const };
});
