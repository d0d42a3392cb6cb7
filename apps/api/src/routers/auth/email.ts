// Email links: verify the address, and the password-reset pair (request, then set a new password).
import {
  ZOk,
  ZRequestPasswordResetRequest,
  ZResetPasswordRequest,
  ZVerifyEmailRequest,
} from '@postern/contracts';
import {
  requestPasswordReset as requestReset,
  resendVerification as resend,
  resetPassword as reset,
  verifyEmail as verify,
} from '@postern/core';
import { authedProcedure, publicProcedure } from '../../trpc.ts';

export const verifyEmail = publicProcedure
  .input(ZVerifyEmailRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await verify(ctx.core, input);
    return { ok: true as const };
  });

export const resendVerification = authedProcedure.output(ZOk).mutation(async ({ ctx }) => {
  await resend(ctx.core, ctx.user);
  return { ok: true as const };
});

export const requestPasswordReset = publicProcedure
  .input(ZRequestPasswordResetRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await requestReset(ctx.core, input);
    return { ok: true as const };
  });

export const resetPassword = publicProcedure
  .input(ZResetPasswordRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await reset(ctx.core, input);
    return { ok: true as const };
  });
