import { ZSignUpRequest, ZSignUpResponse } from '@postern/contracts';
import { signUp as signUpUser } from '@postern/core';
import { publicProcedure } from '../../trpc.ts';

/** The same answer whether or not the address has an account; no session (sign in next). */
export const signUp = publicProcedure
  .input(ZSignUpRequest)
  .output(ZSignUpResponse)
  .mutation(async ({ ctx, input }) => {
    await signUpUser(ctx.core, input);
    return { status: 'check_email' as const };
  });
