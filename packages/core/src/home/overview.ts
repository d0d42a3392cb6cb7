// The workspace's home page: the plan's real limits and what is left of the burst now, the newest bulk
// jobs, and the getting-started checklist, each step read from the workspace's own rows.
import { type ChecklistStep, can, type HomeOverview, type Role } from '@postern/contracts';
import { ApiKey, ApiKeyUsage, BulkJob, WebhookEndpoint, Workspace } from '@postern/db';
import { planUsage } from '../api-keys/keys.ts';
import { bulkJobDto, listBulkJobs } from '../bulk/read.ts';
import type { CoreContext } from '../context.ts';
import type { RatePolicy } from '../rate-limit/metering.ts';
import type { RateLimiter } from '../rate-limit/token-bucket.ts';

export const HOME_RECENT_JOBS = 5;

export interface HomeSubject {
  workspace: Workspace;
  role: Role;
  /** The caller's own two-factor state (the checklist's first step is about them). */
  twoFactorEnabled: boolean;
  limiter: RateLimiter;
  policy: RatePolicy;
}

async function checklist(ctx: Pick<CoreContext, 'em'>, subject: HomeSubject) {
  const { em } = ctx;
  const workspaceId = subject.workspace.id;
  const [keys, jobs, endpoints, apiChecks] = await Promise.all([
    em.count(ApiKey, { workspaceId }),
    em.count(BulkJob, { workspaceId }),
    em.count(WebhookEndpoint, { workspaceId }),
    em.count(ApiKeyUsage, { workspaceId, requests: { $gt: 0 } }),
  ]);
  const done: Record<ChecklistStep, boolean> = {
    two_factor: subject.twoFactorEnabled,
    api_key: keys > 0,
    first_check: subject.workspace.firstCheckAt !== null || apiChecks > 0,
    first_bulk_job: jobs > 0,
    webhook: endpoints > 0,
  };
  return (Object.keys(done) as ChecklistStep[]).map((step) => ({ step, done: done[step] }));
}

export async function homeOverview(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  subject: HomeSubject,
): Promise<HomeOverview> {
  const { workspace, role } = subject;
  const usage = can(role, 'apikeys.read')
    ? await planUsage(ctx, subject.limiter, workspace.id, workspace.plan, subject.policy)
    : null;
  const now = ctx.clock.now();
  const recentJobs = can(role, 'bulk.read')
    ? (await listBulkJobs(ctx, workspace.id, { limit: HOME_RECENT_JOBS })).jobs.map((view) =>
        bulkJobDto(view, now),
      )
    : null;
  return {
    usage,
    recentJobs,
    checklist: await checklist(ctx, subject),
    requireTwoFactor: workspace.requireTwoFactor,
  };
}

/** Workspaces already known to have checked an address, in this process (saves an update per check). */
const checked = new Set<string>();

/** Notes the workspace's first address check (the time only: nothing of the address). */
export async function noteFirstCheck(ctx: Pick<CoreContext, 'em' | 'clock'>, workspaceId: string) {
  if (checked.has(workspaceId)) return;
  await ctx.em.nativeUpdate(
    Workspace,
    { id: workspaceId, firstCheckAt: null },
    { firstCheckAt: ctx.clock.now() },
  );
  if (checked.size > 10_000) checked.clear();
  checked.add(workspaceId);
}
