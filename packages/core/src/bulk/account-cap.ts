// Bulk addresses are metered per account as well as per workspace (see docs/api.md "Rate limits"): the
// addresses still waiting in queued and running jobs of all the workspaces an account is charged for
// (the workspaces whose longest-standing owner it is, as for checks) may not pass a cap, so creating
// more workspaces does not multiply how much work one account can queue.
import { type EntityManager, execute } from '@postern/db';
import { DomainError } from '../errors.ts';
import { workspaceAccountId } from '../rate-limit/metering.ts';

/**
 * Refuses (RATE_LIMITED) a job of `addresses` that would take the account's waiting addresses past
 * `cap`. Run inside the creating transaction: it holds a per-account lock until commit, so two
 * creations cannot both pass on the same remainder.
 */
export async function checkAccountBulkCap(
  tx: EntityManager,
  workspaceId: string,
  addresses: number,
  cap: number,
): Promise<void> {
  if (addresses === 0) return;
  const accountId = await workspaceAccountId(tx, workspaceId);
  const lockKey = `bulk-account:${accountId ?? `workspace-${workspaceId}`}`;
  await execute(tx, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [lockKey]);
  const [row] = await execute<{ pending: string | number }[]>(
    tx,
    accountId
      ? `select coalesce(sum(j.total - j.processed), 0) as pending from bulk_job j
         where j.status in ('queued', 'running') and j.workspace_id in (
           select m.workspace_id from workspace_member m
           where m.user_id = ? and m.role = 'owner' and not exists (
             select 1 from workspace_member o where o.workspace_id = m.workspace_id and o.role = 'owner'
               and (o.created_at, o.id) < (m.created_at, m.id)))`
      : `select coalesce(sum(j.total - j.processed), 0) as pending from bulk_job j
         where j.status in ('queued', 'running') and j.workspace_id = ?`,
    [accountId ?? workspaceId],
  );
  const pending = Number(row?.pending ?? 0);
  if (pending + addresses <= cap) return;
  throw new DomainError(
    'RATE_LIMITED',
    `The account that owns this workspace already has ${pending.toLocaleString('en')} addresses waiting in bulk jobs (across its workspaces); this job's ${addresses.toLocaleString('en')} would pass the limit of ${cap.toLocaleString('en')}. Try again when running jobs finish, or cancel one.`,
    { retryAfterSeconds: 60, scope: 'account', limit: 'bulk_pending_addresses', pending, cap },
  );
}
