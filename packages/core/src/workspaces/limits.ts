// What a workspace's API keys and checks may do beyond its plan: custom rate limits set by the
// instance operator (`postern admin workspace set-plan … --limit perMinute=…`), and suspension while
// every owner of the workspace is disabled (`postern admin user disable`).
import { type EntityManager, execute } from '@postern/db';
import { DomainError } from '../errors.ts';
import type { RatePolicy } from '../rate-limit/metering.ts';

/** The custom limits stored on a workspace; null: the plan's. */
export interface CustomLimits {
  rateLimitPerMinute?: number | null | undefined;
  rateLimitBurst?: number | null | undefined;
}

export const CUSTOM_LIMIT_NAMES = ['perMinute', 'burst'] as const;
export type CustomLimitName = (typeof CUSTOM_LIMIT_NAMES)[number];
/** Bounds of a custom limit (a bucket of more than a million tokens is a typo). */
export const CUSTOM_LIMIT_MAX = 1_000_000;

/** The plan's policy with the workspace's custom limits on top. */
export function withCustomLimits(plan: RatePolicy, custom: CustomLimits | null | undefined): RatePolicy {
  return {
    perMinute: custom?.rateLimitPerMinute ?? plan.perMinute,
    burst: custom?.rateLimitBurst ?? plan.burst,
  };
}

/**
 * A workspace is suspended while it has owners and every one of them is disabled: its API keys are
 * refused (a workspace with another active owner keeps working).
 */
export async function isWorkspaceSuspended(em: EntityManager, workspaceId: string): Promise<boolean> {
  const [row] = await execute<{ suspended: boolean; deleting: boolean }[]>(
    em,
    `select bool_and(u.disabled_at is not null) as suspended,
            -- #28: a workspace whose deletion is pending (its own, or its sole owner's account's) is
            -- suspended too until the deletion is cancelled (erasure/account-deletion.ts).
            exists (select 1 from workspace w where w.id = ? and w.deletion_requested_at is not null) as deleting
       from workspace_member m join app_user u on u.id = m.user_id
      where m.workspace_id = ? and m.role = 'owner'`,
    [workspaceId, workspaceId],
  );
  return row?.suspended === true || row?.deleting === true;
}

/** The workspaces among `workspaceIds` that are suspended now. */
export async function suspendedWorkspaces(em: EntityManager, workspaceIds: string[]): Promise<Set<string>> {
  if (!workspaceIds.length) return new Set();
  const rows = await execute<{ workspace_id: string }[]>(
    em,
    `select m.workspace_id from workspace_member m join app_user u on u.id = m.user_id
      where m.workspace_id in (${workspaceIds.map(() => '?').join(', ')}) and m.role = 'owner'
      group by m.workspace_id having bool_and(u.disabled_at is not null)`,
    workspaceIds,
  );
  return new Set(rows.map((row) => row.workspace_id));
}

/** How a request with a key of a suspended workspace is refused (403 ACCOUNT_DISABLED). */
export function workspaceSuspendedError(details?: Record<string, unknown>): DomainError {
  return new DomainError(
    'ACCOUNT_DISABLED',
    "This API key's workspace is suspended: its owner's account has been disabled by the operator of this Postern instance, or the workspace is scheduled for deletion",
    details,
  );
}
