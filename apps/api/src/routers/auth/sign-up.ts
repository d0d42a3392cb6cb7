import { ZSignInResponse, ZSignUpRequest } from '@postern/contracts';
import { signUp as signUpUser, toUserDto } from '@postern/core';
import { setSessionCookies } from '../../auth-cookies.ts';
import { publicProcedure } from '../../trpc.ts';

export const signUp = publicProcedure
  .input(ZSignUpRequest)
  .output(ZSignInResponse)
  .mutation(async ({ ctx, input }) => {
    const { user, issued } = await signUpUser(ctx.auth, input);
    setSessionCookies(ctx.res, ctx.deps.config, issued);
    return { status: 'signed_in' as const, user: toUserDto(user) };
  });
