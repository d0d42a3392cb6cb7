// The workspace's validation policy for the dashboard: read it (every member), save it and dry-run a
// draft (owners and admins). Transport only: the rules live in core/validation/policy.ts.
import {
  ZPolicyDryRunRequest,
  ZPolicyDryRunResult,
  ZPolicySetRequest,
  ZPolicyView,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  chargeWorkspaceChecks,
  decodeSampleFile,
  dryRunOnResults,
  dryRunOnSample,
  getPolicyView,
  sampleAddresses,
  savePolicy,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const policiesRouter = router({
  get: workspaceProcedure
    .meta({ permission: 'policy.read' })
    .input(ZWorkspaceScoped)
    .output(ZPolicyView)
    .query(({ ctx, input }) => getPolicyView(ctx.core, input.workspaceId)),

  set: workspaceProcedure
    .meta({ permission: 'policy.manage' })
    .input(ZPolicySetRequest)
    .output(ZPolicyView)
    .mutation(({ ctx, input }) => savePolicy(ctx.core, input.workspaceId, input.policy)),

  /**
   * What the draft would change: over the bulk results still within retention, or over a sample
   * file's addresses (checked now, metered like single checks; nothing stored).
   */
  dryRun: workspaceProcedure
    .meta({ permission: 'policy.manage' })
    .input(ZPolicyDryRunRequest)
    .output(ZPolicyDryRunResult)
    .mutation(async ({ ctx, input }) => {
      if (input.source.kind === 'results') {
        return dryRunOnResults(ctx.core, input.workspaceId, input.policy, input.page);
      }
      const emails = await sampleAddresses(decodeSampleFile(input.source.fileBase64));
      const { deps, workspace } = ctx;
      if (emails.length > 0) {
        await chargeWorkspaceChecks(
          ctx.core,
          deps.limiter,
          workspace,
          deps.apiKeys.policyFor(workspace.plan, workspace),
          emails.length,
          (h) => ctx.res.headers(h),
        );
      }
      return dryRunOnSample(ctx.core, deps.engine, input.workspaceId, input.policy, emails);
    }),
});
