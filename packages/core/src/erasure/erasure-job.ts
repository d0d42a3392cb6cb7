// The worker's erasure (#28): accounts and workspaces whose 30-day grace has ended are erased as the
// registry says (erase.ts applies ERASURE_REGISTRY's rules), each in one transaction, then the
// person gets a last email. Audit entries stay (the registry's reason); one records the erasure.
import { execute, User } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { DELETION_GRACE_DAYS } from '../auth/deletion-pending.ts';
import type { CoreContext } from '../context.ts';
import { applyErasureRules } from './erase.ts';
import { accountErasedNotice } from './messages.ts';

const DAY_MS = 24 * 60 * 60_000;
const dueBefore = (ctx: Pick<CoreContext, 'clock'>) =>
  new Date(ctx.clock.now().getTime() - DELETION_GRACE_DAYS * DAY_MS);

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The workspaces the user is the only owner of (erased with the account). */
async function soleOwned(ctx: Pick<CoreContext, 'em'>, userId: string): Promise<string[]> {
  const rows = await execute<{ id: string }[]>(
    ctx.em,
    `select m.workspace_id as id from workspace_member m
      where m.user_id = ? and m.role = 'owner'
        and not exists (select 1 from workspace_member o
                         where o.workspace_id = m.workspace_id and o.role = 'owner' and o.user_id <> m.user_id)`,
    [userId],
  );
  return rows.map((row) => row.id);
}

/** Erases one account whose grace has ended (false when it was cancelled meanwhile). */
export async function eraseAccount(ctx: CoreContext, userId: string): Promise<boolean> {
  const result = await ctx.em.transactional(async (tx) => {
    const [user] = await execute<{ email: string }[]>(
      tx,
      'select email from app_user where id = ? and deletion_requested_at <= ? for update',
      [userId, dueBefore(ctx)],
    );
    if (!user) return null;
    const workspaces = await soleOwned({ em: tx }, userId);
    const workspaceRows = await applyErasureRules(tx, 'workspace', { ids: workspaces });
    const userRows = await applyErasureRules(tx, 'user', { ids: [userId], emails: [user.email] });
    recordAudit(tx, ctx.clock, {
      type: 'account.erased',
      actorId: null,
      target: { type: 'user', id: userId },
      meta: { ip: null, userAgent: null },
      metadata: { workspacesErased: workspaces.length, rowsErased: sum(workspaceRows) + sum(userRows) },
    });
    return { email: user.email };
  });
  if (!result) return false;
  ctx.em.clear();
  await ctx.sendMail(accountErasedNotice({ to: result.email, publicUrl: ctx.config.publicUrl }));
  return true;
}

/** Erases one workspace whose own deletion's grace has ended. */
export async function eraseWorkspace(ctx: CoreContext, workspaceId: string): Promise<boolean> {
  const erased = await ctx.em.transactional(async (tx) => {
    const [row] = await execute<{ id: string }[]>(
      tx,
      `select id from workspace where id = ? and deletion_cause = 'workspace' and deletion_requested_at <= ? for update`,
      [workspaceId, dueBefore(ctx)],
    );
    if (!row) return false;
    const counts = await applyErasureRules(tx, 'workspace', { ids: [workspaceId] });
    recordAudit(tx, ctx.clock, {
      type: 'workspace.erased',
      actorId: null,
      target: { type: 'workspace', id: workspaceId },
      meta: { ip: null, userAgent: null },
      metadata: { rowsErased: sum(counts) },
    });
    return true;
  });
  ctx.em.clear();
  return erased;
}

/** The worker's run: every account and workspace due, each on its own. Returns how many were erased. */
export async function eraseDue(ctx: CoreContext): Promise<{ accounts: number; workspaces: number }> {
  const before = dueBefore(ctx);
  const users = await ctx.em.find(User, { deletionRequestedAt: { $lte: before } }, { fields: ['id'] });
  let accounts = 0;
  for (const user of users) if (await eraseAccount(ctx, user.id)) accounts += 1;
  const due = await execute<{ id: string }[]>(
    ctx.em,
    `select id from workspace where deletion_cause = 'workspace' and deletion_requested_at <= ?`,
    [before],
  );
  let workspaces = 0;
  for (const row of due) if (await eraseWorkspace(ctx, row.id)) workspaces += 1;
  return { accounts, workspaces };
}
