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
  .mutation(({ ctx, input }) => enrol(ctx.core, ctx.user, input.password));

export const activateTwoFactor = authedProcedure
  .input(ZTwoFactorActivateRequest)
  .output(ZRecoveryCodesResponse)
  .mutation(async ({ ctx, input }) => {
    const result = await activate(ctx.core, ctx.user, ctx.session.id, input.code);
    await ctx.core.sendMail(twoFactorChangedNotice({ to: ctx.user.email, enabled: true }));
    return result;
  });

export const disableTwoFactor = authedProcedure
  .input(ZTwoFactorDisableRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await disable(ctx.core, ctx.user, ctx.session.id, input.password, input.code);
    await ctx.core.sendMail(twoFactorChangedNotice({ to: ctx.user.email, enabled: false }));
    return { ok: true as const };
  });

export const regenerateRecoveryCodes = authedProcedure
  .input(ZRegenerateRecoveryCodesRequest)
  .output(ZRecoveryCodesResponse)
  .mutation(({ ctx, input }) => regenerate(ctx.core, ctx.user, ctx.session.id, input.password, input.code));
