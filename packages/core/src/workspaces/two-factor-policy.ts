// "Require two-factor authentication" (ASVS 6.3.3): owners turn it on for a workspace; from then on a
// member without 2FA is refused every workspace operation with TWO_FACTOR_REQUIRED (the dashboard turns
// it into an enrolment prompt). The check runs in the one workspace access check of the API.
import { Membership, User, type Workspace } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/** Refuses a member without two-factor authentication when the workspace requires it. */
export async function assertTwoFactorPolicy(
  ctx: Pick<CoreContext, 'em'>,
  workspace: Workspace,
  userId: string,
): Promise<void> {
  if (!workspace.requireTwoFactor) return;
  const user = await ctx.em.findOne(User, { id: userId }, { fields: ['id', 'totpEnabledAt'] });
  if (user?.totpEnabledAt) return;
  throw new DomainError(
    'TWO_FACTOR_REQUIRED',
    `${workspace.name} requires two-factor authentication: turn it on in Settings → Security to open the workspace`,
    { workspaceId: workspace.id },
  );
}

/** How many members of the workspace have not turned on two-factor authentication. */
export async function membersWithoutTwoFactor(ctx: Pick<CoreContext, 'em'>, workspaceId: string) {
  const members = await ctx.em.find(Membership, { workspaceId }, { fields: ['userId'] });
  if (!members.length) return 0;
  return ctx.em.count(User, { id: { $in: members.map((m) => m.userId) }, totpEnabledAt: null });
}

/**
 * Turns the requirement on or off (owners; the procedure checks the permission). An owner without
 * two-factor authentication cannot turn it on: they would lock themselves out.
 */
export async function setRequireTwoFactor(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'meta'>,
  workspace: Workspace,
  actorId: string,
  required: boolean,
) {
  if (required) {
    const actor = await ctx.em.findOneOrFail(User, { id: actorId });
    if (!actor.totpEnabledAt)
      throw new DomainError(
        'CONFLICT',
        'Turn on two-factor authentication for your own account first: you would lock yourself out',
        { reason: 'actor_without_two_factor' },
      );
  }
  const previous = workspace.requireTwoFactor;
  if (previous !== required) {
    workspace.requireTwoFactor = required;
    recordAudit(ctx.em, ctx.clock, {
      type: 'workspace.two_factor_policy_changed',
      actorId,
      workspaceId: workspace.id,
      target: { type: 'workspace', id: workspace.id },
      meta: ctx.meta,
      metadata: { from: previous, to: required },
    });
    await ctx.em.flush();
  }
  return {
    requireTwoFactor: workspace.requireTwoFactor,
    membersWithoutTwoFactor: await membersWithoutTwoFactor(ctx, workspace.id),
  };
}
