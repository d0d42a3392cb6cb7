// The one workspace access check, used by tRPC's workspaceProcedure and by the dashboard's plain-HTTP
// routes: the caller's membership of the workspace (an unknown workspace and someone else's look the
// same: NOT_FOUND), the workspace's two-factor requirement (TWO_FACTOR_REQUIRED, ASVS 6.3.3) and the
// role's permission (FORBIDDEN, naming the permission).
import { can, type Permission } from '@postern/contracts';
import { assertTwoFactorPolicy, type CoreContext, DomainError, resolveMembership } from '@postern/core';

export async function checkWorkspaceAccess(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  userId: string,
  permission: Permission,
  options: { withoutTwoFactor?: boolean } = {},
) {
  const { membership, workspace } = await resolveMembership(ctx, workspaceId, userId);
  // A workspace that requires two-factor authentication refuses members without it (ASVS 6.3.3),
  // except for what its procedure declares open to them (leaving the workspace).
  if (!options.withoutTwoFactor) await assertTwoFactorPolicy(ctx, workspace, userId);
  if (!can(membership.role, permission)) {
    throw new DomainError('FORBIDDEN', `Your role (${membership.role}) does not allow this`, { permission });
  }
  return { membership, workspace };
}
