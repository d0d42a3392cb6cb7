// The caller's own security log (the `user:<id>` audit chain): pages and a CSV file. The scope is the
// signed-in user's; the input names no user, so no other account's log can be asked for.
import { ZAccountLogExport, ZAccountLogPage, ZAccountLogRequest } from '@postern/contracts';
import { exportAccountLog, listAccountLog } from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const securityLog = authedProcedure
  .input(ZAccountLogRequest)
  .output(ZAccountLogPage)
  .query(({ ctx, input }) => listAccountLog(ctx.core, ctx.user.id, input));

export const exportSecurityLog = authedProcedure
  .output(ZAccountLogExport)
  .mutation(({ ctx }) => exportAccountLog(ctx.core, ctx.user.id));
