// Retention of campaigns (docs/data-lifecycle.md): a campaign that ended (sent, cancelled or failed)
// is deleted 2 years after it completed, with its metrics and its per-recipient rows (foreign key,
// on delete cascade). Drafts and campaigns still running are never purged. Batches of 500 per run.
import { CAMPAIGN_RETENTION_DAYS } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';

const DAY_MS = 86_400_000;

export async function purgeEndedCampaigns(em: EntityManager, now: Date): Promise<number> {
  const before = new Date(now.getTime() - CAMPAIGN_RETENTION_DAYS * DAY_MS);
  const rows = await execute<{ id: string }[]>(
    em,
    `delete from campaign where id in (
       select id from campaign
        where status in ('sent', 'cancelled', 'failed') and completed_at < ?
        limit 500)
     returning id`,
    [before],
  );
  return rows.length;
}
