// A campaign past its draft: how far sending has got, the figures (recipients, sent, failed, unknown,
// unsubscribed, skipped and why) and messages sent over time — re-read every few seconds while it
// sends — and the message as it was sent.
import { lazy, Suspense } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { type CampaignCounters, formatCount, metricCards, progress, skipReasons } from './campaigns-model.ts';
import { FigureGrid } from './figure-grid.tsx';
import { type Campaign, useMetricsQuery } from './use-campaigns.ts';

/** The chart brings recharts: loaded only when a campaign has a report to draw. */
const SendsChart = lazy(async () => ({ default: (await import('./sends-chart.tsx')).SendsChart }));

function ProgressLine({ campaign, counters }: { campaign: Campaign; counters: CampaignCounters }) {
  const done = progress(counters);
  const tone = campaign.status === 'failed' ? 'rose' : campaign.status === 'sent' ? 'emerald' : 'indigo';
  return (
    <div className="space-y-2" data-testid="campaign-progress-line">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-900 tabular-nums" data-testid="campaign-progress-text">
          {done.text}
        </span>
        <span className="text-slate-500 tabular-nums">{Math.floor(done.percent)}% dealt with</span>
      </div>
      <ProgressBar value={done.percent} tone={tone} label="Sending progress" valueText={done.text} />
      <p className="text-xs text-slate-500">
        {campaign.scheduledAt && campaign.status === 'scheduled'
          ? `Starts ${formatDateTime(campaign.scheduledAt)}${campaign.timeZone ? ` (chosen in ${campaign.timeZone})` : ''}.`
          : null}
        {campaign.startedAt ? `Started ${formatDateTime(campaign.startedAt)}. ` : null}
        {campaign.completedAt ? `Finished ${formatDateTime(campaign.completedAt)}.` : null}
      </p>
    </div>
  );
}

function Figures({ counters }: { counters: CampaignCounters }) {
  return (
    <div className="space-y-4">
      <FigureGrid
        figures={metricCards(counters)}
        testId="campaign-metrics"
        columns="sm:grid-cols-3 lg:grid-cols-6"
        idAttribute="data-metric"
        large
      />
      <div>
        <h3 className="text-sm font-medium text-slate-800">Skipped, by reason</h3>
        <ul
          className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-600 sm:grid-cols-2"
          data-testid="campaign-skips"
        >
          {skipReasons(counters).map((reason) => (
            <li key={reason.id} className="flex justify-between gap-3" data-reason={reason.id}>
              <span>{reason.label}</span>
              <span className="font-medium text-slate-900 tabular-nums">{formatCount(reason.value)}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function CampaignReport({
  workspaceId,
  campaign,
  live,
}: {
  workspaceId: string;
  campaign: Campaign;
  live: boolean;
}) {
  const metrics = useMetricsQuery(workspaceId, campaign.id, live);
  const counters = metrics.data?.counters ?? campaign.counters;
  return (
    <>
      <Card id="campaign-progress" testId="campaign-report" title="Progress">
        <div className="space-y-6">
          <ProgressLine campaign={campaign} counters={counters} />
          <Figures counters={counters} />
        </div>
      </Card>
      <Card
        id="campaign-sends"
        testId="campaign-sends"
        title="Messages sent over time"
        description={metrics.data ? `Per ${metrics.data.bucket}, in ${metrics.data.timeZone}.` : undefined}
      >
        {metrics.data ? (
          metrics.data.series.length ? (
            <Suspense fallback={<Skeleton className="h-64" />}>
              <SendsChart series={metrics.data.series} bucket={metrics.data.bucket} />
            </Suspense>
          ) : (
            <p className="py-8 text-center text-sm text-slate-500" data-testid="sends-empty">
              Nothing sent yet.
            </p>
          )
        ) : metrics.isError ? (
          <ProblemAlert
            problem={{ title: 'Could not load the figures', message: 'Reload the page to try again.' }}
          />
        ) : (
          <Skeleton className="h-64" />
        )}
      </Card>
    </>
  );
}
