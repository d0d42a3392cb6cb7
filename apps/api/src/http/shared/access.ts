// The one workspace access check, used by tRPC's workspaceProcedure and by the dashboard's plain-HTTP
// routes: the caller's membership of the workspace (an unknown workspace and someone else's look the
// same: NOT_FOUND) and the role's permission (FORBIDDEN, naming the permission).
import { can, type Permission } from '@postern/contracts';
import { type CoreContext, DomainError, resolveMembership } from '@postern/core';

export async function checkWorkspaceAccess(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  userId: string,
  permission: Permission,
) {
  const { membership, workspace } = await resolveMembership(ctx, workspaceId, userId);
  if (!can(membership.role, permission)) {
    throw new DomainError('FORBIDDEN', `Your role (${membership.role}) does not allow this`, { permission });
  }
  return { membership, workspace };
}
