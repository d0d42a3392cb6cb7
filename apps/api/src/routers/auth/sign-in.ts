import { ZSignInRequest, ZSignInResponse } from '@postern/contracts';
import { signIn as signInUser, toUserDto } from '@postern/core';
import { setSessionCookies } from '../../auth-cookies.ts';
import { publicProcedure } from '../../trpc.ts';

export const signIn = publicProcedure
  .input(ZSignInRequest)
  .output(ZSignInResponse)
  .mutation(async ({ ctx, input }) => {
    const result = await signInUser(ctx.core, input);
    if (result.status === 'two_factor_required') {
      return {
        status: result.status,
        challengeId: result.challengeId,
        expiresAt: result.expiresAt.toISOString(),
      };
    }
    setSessionCookies(ctx.res, ctx.deps.config, result.issued, { signedIn: true });
    return { status: 'signed_in' as const, user: toUserDto(result.user) };
  });
