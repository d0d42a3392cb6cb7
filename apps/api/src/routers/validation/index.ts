// The single check from the dashboard. Nothing about the address is stored (see core/validation).
// Metered like POST /v1/validate: one unit from the workspace's plan bucket and its account's.
import { ZCheckAddressRequest, ZValidationResult } from '@postern/contracts';
import {
  cachedPolicy,
  chargeWorkspaceChecks,
  checkAddress,
  noteFirstCheck,
  withPolicyAction,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const validationRouter = router({
  check: workspaceProcedure
    .meta({ permission: 'validation.use' })
    .input(ZCheckAddressRequest)
    .output(ZValidationResult)
    .mutation(async ({ ctx, input }) => {
      const { deps, workspace } = ctx;
      await chargeWorkspaceChecks(
        ctx.core,
        deps.limiter,
        workspace,
        deps.apiKeys.policyFor(workspace.plan, workspace),
        1,
        (h) => ctx.res.headers(h),
      );
      const result = await checkAddress(ctx.core, deps.engine, input.email, input.depth, workspace.id);
      await noteFirstCheck(ctx.core, workspace.id);
      return withPolicyAction(await cachedPolicy(ctx.core, workspace.id), result);
    }),
});
