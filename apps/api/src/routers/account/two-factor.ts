// Two-factor enrolment (password, then a valid code), disabling and recovery-code regeneration.
import {
  ZOk,
  ZRecoveryCodesResponse,
  ZRegenerateRecoveryCodesRequest,
  ZTwoFactorActivateRequest,
  ZTwoFactorDisableRequest,
  ZTwoFactorEnrolRequest,
  ZTwoFactorEnrolResponse,
} from '@postern/contracts';
import {
  activateTwoFactor as activate,
  disableTwoFactor as disable,
  enrolTwoFactor as enrol,
  regenerateRecoveryCodes as regenerate,
  twoFactorChangedNotice,
} from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const enrolTwoFactor = authedProcedure
  .input(ZTwoFactorEnrolRequest)
  .output(ZTwoFactorEnrolResponse)
  .mutation(({ ctx, input }) => enrol(ctx.auth, ctx.user, input.password));

export const activateTwoFactor = authedProcedure
  .input(ZTwoFactorActivateRequest)
  .output(ZRecoveryCodesResponse)
  .mutation(async ({ ctx, input }) => {
    const result = await activate(ctx.auth, ctx.user, ctx.session.id, input.code);
    await ctx.deps.sendMail(twoFactorChangedNotice({ to: ctx.user.email, enabled: true }));
    return result;
  });

export const disableTwoFactor = authedProcedure
  .input(ZTwoFactorDisableRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await disable(ctx.auth, ctx.user, ctx.session.id, input.password, input.code);
    await ctx.deps.sendMail(twoFactorChangedNotice({ to: ctx.user.email, enabled: false }));
    return { ok: true as const };
  });

export const regenerateRecoveryCodes = authedProcedure
  .input(ZRegenerateRecoveryCodesRequest)
  .output(ZRecoveryCodesResponse)
  .mutation(({ ctx, input }) => regenerate(ctx.auth, ctx.user, ctx.session.id, input.password, input.code));
