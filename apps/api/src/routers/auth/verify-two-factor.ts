import { ZSignInResponse, ZTwoFactorVerifyRequest } from '@postern/contracts';
import { completeChallenge, toUserDto } from '@postern/core';
import { setSessionCookies } from '../../auth-cookies.ts';
import { publicProcedure } from '../../trpc.ts';

export const verifyTwoFactor = publicProcedure
  .input(ZTwoFactorVerifyRequest)
  .output(ZSignInResponse)
  .mutation(async ({ ctx, input }) => {
    const { user, issued } = await completeChallenge(ctx.core, input);
    setSessionCookies(ctx.res, ctx.deps.config, issued, { signedIn: true });
    return { status: 'signed_in' as const, user: toUserDto(user) };
  });
