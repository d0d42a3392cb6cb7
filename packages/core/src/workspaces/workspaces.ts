// Workspaces and membership resolution. Every core function takes the workspace id explicitly.
import type { Role, Workspace as WorkspaceDto } from '@postern/contracts';
import { Membership, Workspace } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/** What workspace operations use of the core context. */
type WorkspaceCtx = Pick<CoreContext, 'em' | 'clock' | 'meta'>;

export const toWorkspaceDto = (workspace: Workspace, role: Role): WorkspaceDto => ({
  id: workspace.id,
  name: workspace.name,
  plan: workspace.plan,
  role,
  createdAt: workspace.createdAt.toISOString(),
  requireTwoFactor: workspace.requireTwoFactor,
});

/** Creates a workspace with the user as its owner (the caller flushes). */
export function createWorkspace(ctx: WorkspaceCtx, userId: string, name: string): Workspace {
  const workspace = ctx.em.create(Workspace, { name, plan: 'starter' });
  ctx.em.create(Membership, { workspaceId: workspace.id, userId, role: 'owner' });
  recordAudit(ctx.em, ctx.clock, {
    type: 'workspace.created',
    actorId: userId,
    workspaceId: workspace.id,
    target: { type: 'workspace', id: workspace.id },
    meta: ctx.meta,
    metadata: { name },
  });
  return workspace;
}

/**
 * A workspace the user creates from the dashboard: refused when they already own
 * `maxPerAccount` workspaces (MAX_WORKSPACES_PER_ACCOUNT), so more workspaces cannot multiply an
 * account's limits. Serialised per user, so concurrent creations cannot pass the count together.
 */
export async function createOwnedWorkspace(
  ctx: WorkspaceCtx,
  userId: string,
  name: string,
  maxPerAccount: number,
): Promise<Workspace> {
  return ctx.em.transactional(async (tx) => {
    await tx
      .getConnection()
      .execute(
        `select pg_advisory_xact_lock(hashtextextended('workspace_create:' || ?, 0))`,
        [userId],
        'all',
        tx.getTransactionContext(),
      );
    const owned = await tx.count(Membership, { userId, role: 'owner' });
    if (owned >= maxPerAccount) {
      throw new DomainError(
        'FORBIDDEN',
        `You already own ${owned} workspaces, the most one account may own (${maxPerAccount}); delete or hand over one first`,
        { limit: 'workspaces_per_account', max: maxPerAccount },
      );
    }
    return createWorkspace({ ...ctx, em: tx }, userId, name);
  });
}

export function defaultWorkspaceName(email: string): string {
  const local = email.split('@')[0] ?? 'My';
  return `${local.slice(0, 60)}'s workspace`;
}

export async function listWorkspaces(ctx: Pick<CoreContext, 'em'>, userId: string): Promise<WorkspaceDto[]> {
  const memberships = await ctx.em.find(Membership, { userId }, { orderBy: { createdAt: 'asc' } });
  if (!memberships.length) return [];
  const workspaces = await ctx.em.find(Workspace, { id: { $in: memberships.map((m) => m.workspaceId) } });
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  return memberships.flatMap((m) => {
    const workspace = byId.get(m.workspaceId);
    return workspace ? [toWorkspaceDto(workspace, m.role)] : [];
  });
}

/**
 * The caller's membership of the workspace. An unknown workspace and one the user does not belong
 * to look the same (NOT_FOUND), so ids cannot be probed.
 */
export async function resolveMembership(ctx: Pick<CoreContext, 'em'>, workspaceId: string, userId: string) {
  const membership = await ctx.em.findOne(Membership, { workspaceId, userId });
  const workspace = membership ? await ctx.em.findOne(Workspace, { id: workspaceId }) : null;
  if (!membership || !workspace) throw new DomainError('NOT_FOUND', 'No such workspace');
  return { membership, workspace };
}

export async function renameWorkspace(ctx: WorkspaceCtx, workspaceId: string, actorId: string, name: string) {
  const workspace = await ctx.em.findOneOrFail(Workspace, { id: workspaceId });
  const previous = workspace.name;
  workspace.name = name;
  recordAudit(ctx.em, ctx.clock, {
    type: 'workspace.renamed',
    actorId,
    workspaceId,
    target: { type: 'workspace', id: workspaceId },
    meta: ctx.meta,
    metadata: { from: previous, to: name },
  });
  await ctx.em.flush();
  return workspace;
}
