// Campaign metrics: the counters kept on the campaign by the sending engine (one row read), the
// recipients by state right now, and messages sent over time — campaign_recipient.sent_at counted per
// hour or day, the buckets cut in a time zone (the campaign's by default) so "Tuesday" is the
// member's Tuesday. Uses the (campaign_id, sent_at) index.
import {
  CAMPAIGN_RECIPIENT_STATUSES,
  type CampaignMetricsDto,
  type CampaignRecipientStatus,
  type CampaignStatus,
  ZMetricsQuery,
} from '@postern/contracts';
import { execute } from '@postern/db';
import { parseInput } from '../contacts/parse.ts';
import { type CampaignsCtx, countersOf, findCampaign } from './shared.ts';
import { canonicalTimeZone } from './time.ts';

export async function campaignMetrics(
  ctx: Pick<CampaignsCtx, 'em'>,
  workspaceId: string,
  campaignId: string,
  rawQuery: unknown = {},
): Promise<CampaignMetricsDto> {
  const query = parseInput(ZMetricsQuery, rawQuery);
  const campaign = await findCampaign(ctx.em, workspaceId, campaignId);
  const timeZone = canonicalTimeZone(query.timeZone ?? campaign.timeZone ?? 'UTC');
  const byStatus = await execute<{ status: CampaignRecipientStatus; n: string }[]>(
    ctx.em,
    'select status, count(*) as n from campaign_recipient where campaign_id = ? group by status',
    [campaign.id],
  );
  const recipients = Object.fromEntries(CAMPAIGN_RECIPIENT_STATUSES.map((s) => [s, 0])) as Record<
    CampaignRecipientStatus,
    number
  >;
  for (const row of byStatus) if (row.status in recipients) recipients[row.status] = Number(row.n);
  // date_trunc on the local time, then back to an instant in the same zone.
  const series = await execute<{ at: Date; sent: string }[]>(
    ctx.em,
    `select (date_trunc(?, sent_at at time zone ?) at time zone ?) as at, count(*) as sent
       from campaign_recipient
      where campaign_id = ? and sent_at is not null
      group by 1 order by 1`,
    [query.bucket, timeZone, timeZone, campaign.id],
  );
  return {
    campaignId: campaign.id,
    status: campaign.status as CampaignStatus,
    counters: countersOf(campaign),
    recipients,
    bucket: query.bucket,
    timeZone,
    series: series.map((row) => ({ at: new Date(row.at).toISOString(), sent: Number(row.sent) })),
    startedAt: campaign.startedAt?.toISOString() ?? null,
    completedAt: campaign.completedAt?.toISOString() ?? null,
  };
}
