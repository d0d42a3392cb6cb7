import { ZSecurityOverview } from '@postern/contracts';
import { remainingRecoveryCodes } from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const security = authedProcedure.output(ZSecurityOverview).query(async ({ ctx }) => ({
  twoFactorEnabled: Boolean(ctx.user.totpEnabledAt),
  recoveryCodesRemaining: ctx.user.totpEnabledAt ? await remainingRecoveryCodes(ctx.core, ctx.user.id) : 0,
  passwordChangedAt: ctx.user.passwordChangedAt?.toISOString() ?? null,
}));
