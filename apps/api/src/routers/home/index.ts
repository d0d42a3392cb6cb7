// The workspace's home page in one call: plan usage against its real limits, recent bulk jobs and the
// getting-started checklist (the system warnings come from system.health, as on the Status page).
import { ZHomeOverview, ZWorkspaceScoped } from '@postern/contracts';
import { homeOverview } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const homeRouter = router({
  overview: workspaceProcedure
    .meta({ permission: 'workspace.read' })
    .input(ZWorkspaceScoped)
    .output(ZHomeOverview)
    .query(({ ctx }) =>
      homeOverview(ctx.core, {
        workspace: ctx.workspace,
        role: ctx.membership.role,
        twoFactorEnabled: Boolean(ctx.user.totpEnabledAt),
        limiter: ctx.deps.limiter,
        policy: ctx.deps.apiKeys.policyFor(ctx.workspace.plan, ctx.workspace),
      }),
    ),
});
