// The campaigns of the workspace as table columns: the name (opening the campaign) with its subject,
// the status, the progress (sent of recipients, as a bar), the list, and when it was scheduled, sent
// or last changed.
import { Link } from 'react-router';
import { NONE } from '../../components/detail-row.tsx';
import { column, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { campaignPath } from './campaign-paths.ts';
import { CampaignStatusBadge } from './campaign-status-badge.tsx';
import { progress } from './campaigns-model.ts';
import type { CampaignSummary } from './use-campaigns.ts';

/** When: scheduled for, sent on, or (drafts) last changed. */
function When({ campaign, now }: { campaign: CampaignSummary; now: number }) {
  if (campaign.status === 'scheduled' && campaign.scheduledAt)
    return <span>Scheduled for {formatDateTime(campaign.scheduledAt)}</span>;
  if (campaign.completedAt) return <span>Finished {formatDateTime(campaign.completedAt)}</span>;
  if (campaign.startedAt) return <span>Started {formatDateTime(campaign.startedAt)}</span>;
  return (
    <span>
      Changed <TimeAgo iso={campaign.updatedAt} now={now} />
    </span>
  );
}

export function campaignColumns(
  workspaceId: string,
  listNames: ReadonlyMap<string, string>,
  now: number,
): Column<CampaignSummary>[] {
  return [
    titleColumn('Campaign', (campaign) => (
      <>
        <Link
          to={campaignPath(workspaceId, campaign.id)}
          data-testid="campaign-row-name"
          className="font-medium [overflow-wrap:anywhere] text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {campaign.name}
        </Link>
        <span className="mt-0.5 block [overflow-wrap:anywhere] text-slate-500">
          {campaign.subject || 'No subject yet'}
        </span>
      </>
    )),
    column('Status', (campaign) => <CampaignStatusBadge status={campaign.status} />),
    column(
      'Progress',
      (campaign) => {
        if (campaign.status === 'draft' || campaign.status === 'scheduled') return NONE;
        const done = progress(campaign.counters);
        return (
          <div className="min-w-36 space-y-1">
            <ProgressBar
              value={done.percent}
              size="sm"
              tone={campaign.status === 'failed' ? 'rose' : campaign.status === 'sent' ? 'emerald' : 'indigo'}
              label={`Progress of ${campaign.name}`}
              valueText={done.text}
            />
            <span className="block text-xs text-slate-600 tabular-nums">{done.text}</span>
          </div>
        );
      },
      { testId: 'campaign-progress' },
    ),
    column(
      'List',
      (campaign) =>
        campaign.listId
          ? (listNames.get(campaign.listId) ?? <span className="text-slate-500">Deleted list</span>)
          : NONE,
      { from: 'lg', className: 'text-slate-700' },
    ),
    column('When', (campaign) => <When campaign={campaign} now={now} />, {
      from: 'md',
      className: 'text-slate-600',
    }),
  ];
}
