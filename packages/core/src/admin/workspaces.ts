// The operator console's plan and workspace commands: the plans and their limits, list and show
// workspaces (never a key or a secret: key counts and display prefixes only), change a workspace's plan
// and custom limits. The API reads the plan and the limits on each key lookup (cached 5 s per process)
// and on each dashboard request, so the usage panels and the rate limiter follow at once.
import { PLANS, type Plan } from '@postern/contracts';
import { execute } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import {
  CUSTOM_LIMIT_MAX,
  CUSTOM_LIMIT_NAMES,
  type CustomLimitName,
  isWorkspaceSuspended,
  withCustomLimits,
} from '../workspaces/limits.ts';
import { type Operator, recordInstanceAudit } from './audit.ts';
import { containing, findWorkspace, listPage } from './lookup.ts';

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Every plan with its limits and how many workspaces are on it (and how many of those have custom limits). */
export async function listPlans(ctx: Pick<CoreContext, 'em'>) {
  const rows = await execute<{ plan: Plan; workspaces: number; custom: number }[]>(
    ctx.em,
    `select plan, count(*)::int as workspaces,
            count(*) filter (where rate_limit_per_minute is not null or rate_limit_burst is not null)::int as custom
       from workspace group by plan`,
  );
  return (Object.keys(PLANS) as Plan[]).map((plan) => {
    const row = rows.find((r) => r.plan === plan);
    return {
      plan,
      name: PLANS[plan].name,
      perMinute: PLANS[plan].perMinute,
      burst: PLANS[plan].burst,
      workspaces: row?.workspaces ?? 0,
      customLimits: row?.custom ?? 0,
    };
  });
}

export interface AdminWorkspaceRow {
  id: string;
  name: string;
  plan: Plan;
  perMinute: number;
  burst: number;
  customLimits: boolean;
  members: number;
  owners: string[];
  createdAt: string;
}

/** Workspaces, oldest first, optionally by plan and/or a part of the name. */
export async function listAdminWorkspaces(
  ctx: Pick<CoreContext, 'em'>,
  options: { search?: string | undefined; plan?: Plan | undefined; limit: number; offset: number },
): Promise<{ total: number; workspaces: AdminWorkspaceRow[] }> {
  const conditions: [string, ...unknown[]][] = [];
  if (options.search) conditions.push(['w.name ilike ?', containing(options.search)]);
  if (options.plan) conditions.push(['w.plan = ?', options.plan]);
  const { total, rows } = await listPage(
    ctx.em,
    {
      select: `w.id, w.name, w.plan, w.rate_limit_per_minute, w.rate_limit_burst, w.created_at,
            (select count(*)::int from workspace_member m where m.workspace_id = w.id) as members,
            coalesce((select array_agg(u.email order by u.email) from workspace_member m
                        join app_user u on u.id = m.user_id
                       where m.workspace_id = w.id and m.role = 'owner'), '{}') as owners`,
      from: 'workspace w',
      order: 'w.created_at, w.id',
    },
    conditions,
    options,
  );
  return {
    total,
    workspaces: rows.map((row) => {
      const plan = row.plan as Plan;
      const custom = {
        rateLimitPerMinute: row.rate_limit_per_minute as number | null,
        rateLimitBurst: row.rate_limit_burst as number | null,
      };
      return {
        id: String(row.id),
        name: String(row.name),
        plan,
        ...withCustomLimits(PLANS[plan], custom),
        customLimits: custom.rateLimitPerMinute !== null || custom.rateLimitBurst !== null,
        members: Number(row.members),
        owners: row.owners as string[],
        createdAt: iso(row.created_at as Date) ?? '',
      };
    }),
  };
}

/** One workspace: plan and effective limits, members with their roles, keys counted (never shown). */
export async function showAdminWorkspace(ctx: Pick<CoreContext, 'em' | 'clock'>, id: string) {
  const workspace = await findWorkspace(ctx, id);
  const members = await execute<{ email: string; role: string; disabled: boolean }[]>(
    ctx.em,
    `select u.email, m.role, u.disabled_at is not null as disabled
       from workspace_member m join app_user u on u.id = m.user_id
      where m.workspace_id = ? order by m.created_at`,
    [workspace.id],
  );
  const [keys] = await execute<{ live: number; total: number }[]>(
    ctx.em,
    `select count(*) filter (where revoked_at is null or revoked_at > ?)::int as live, count(*)::int as total
       from api_key where workspace_id = ?`,
    [ctx.clock.now(), workspace.id],
  );
  return {
    id: workspace.id,
    name: workspace.name,
    plan: workspace.plan,
    limits: withCustomLimits(PLANS[workspace.plan as Plan], workspace),
    customLimits: {
      perMinute: workspace.rateLimitPerMinute ?? null,
      burst: workspace.rateLimitBurst ?? null,
    },
    suspended: await isWorkspaceSuspended(ctx.em, workspace.id),
    createdAt: iso(workspace.createdAt) ?? '',
    members,
    apiKeys: { live: keys?.live ?? 0, total: keys?.total ?? 0 },
  };
}

/** `perMinute=600` → ['perMinute', 600]; `perMinute=plan` clears it (the plan's limit applies). */
export function parseLimit(text: string): [CustomLimitName, number | null] {
  const [name, value, ...rest] = text.split('=');
  if (!CUSTOM_LIMIT_NAMES.includes(name as CustomLimitName) || value === undefined || rest.length)
    throw new DomainError(
      'VALIDATION_FAILED',
      `--limit must be NAME=VALUE with NAME one of ${CUSTOM_LIMIT_NAMES.join(', ')} (got "${text}")`,
    );
  if (value === 'plan') return [name as CustomLimitName, null];
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > CUSTOM_LIMIT_MAX)
    throw new DomainError(
      'VALIDATION_FAILED',
      `--limit ${name} must be a whole number from 1 to ${CUSTOM_LIMIT_MAX}, or "plan" (got "${value}")`,
    );
  return [name as CustomLimitName, number];
}

/**
 * Moves a workspace to a plan; `limits` sets custom limits on top of it (null clears one), and
 * `resetLimits` clears both first. Limits not named are kept. Audited in the instance chain.
 */
export async function setWorkspacePlan(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  id: string,
  plan: string,
  operator: Operator,
  options: { limits?: [CustomLimitName, number | null][]; resetLimits?: boolean } = {},
) {
  if (!(plan in PLANS))
    throw new DomainError(
      'VALIDATION_FAILED',
      `unknown plan "${plan}": one of ${Object.keys(PLANS).join(', ')}`,
    );
  const workspace = await findWorkspace(ctx, id);
  const from = {
    plan: workspace.plan,
    perMinute: workspace.rateLimitPerMinute ?? null,
    burst: workspace.rateLimitBurst ?? null,
  };
  workspace.plan = plan as Plan;
  if (options.resetLimits) {
    workspace.rateLimitPerMinute = null;
    workspace.rateLimitBurst = null;
  }
  for (const [name, value] of options.limits ?? []) {
    if (name === 'perMinute') workspace.rateLimitPerMinute = value;
    else workspace.rateLimitBurst = value;
  }
  const to = {
    plan: workspace.plan,
    perMinute: workspace.rateLimitPerMinute ?? null,
    burst: workspace.rateLimitBurst ?? null,
  };
  recordInstanceAudit(ctx.em, ctx.clock, {
    type: 'instance.plan_changed',
    operator,
    target: { type: 'workspace', id: workspace.id },
    metadata: { name: workspace.name, from, to },
  });
  await ctx.em.flush();
  return {
    id: workspace.id,
    name: workspace.name,
    from,
    to,
    limits: withCustomLimits(PLANS[workspace.plan as Plan], workspace),
  };
}
