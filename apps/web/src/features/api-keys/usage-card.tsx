// Requests per key over the last 30 days: a stacked bar chart (loaded on demand) with usage alerts
// marked, totals per key, and the alerts themselves.
import { lazy, type ReactNode, Suspense, useMemo } from 'react';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ChartIcon } from '../../components/icons.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { ALERT_LABELS, SERIES_COLOURS, seriesTotal } from './api-keys-model.ts';
import { USAGE_DAYS, useUsageQuery } from './use-api-keys.ts';

const UsageChart = lazy(async () => ({ default: (await import('./usage-chart.tsx')).UsageChart }));

const NUMBER = new Intl.NumberFormat('en');

function ChartSkeleton() {
  return (
    <div className="flex h-72 items-end gap-1.5 px-2" aria-hidden="true" data-testid="usage-loading">
      {Array.from({ length: USAGE_DAYS }, (_, index) => (
        <Skeleton key={index} className="flex-1" />
      ))}
    </div>
  );
}

/** The usage alerts of the period (traffic spike, burst of refusals, new IP range), newest first. */
function AlertList({
  usage,
  colours,
}: {
  usage: NonNullable<ReturnType<typeof useUsageQuery>['data']>;
  colours: ReadonlyMap<string, string>;
}) {
  if (!usage.alerts.length) return null;
  const names = new Map(usage.series.map((series) => [series.keyId, series.name]));
  return (
    <div className="border-t border-slate-100 pt-4" data-testid="usage-alerts">
      <h3 className="text-sm font-medium text-slate-900">Usage alerts</h3>
      <ul className="mt-2 space-y-2 text-sm" aria-label="Usage alerts">
        {usage.alerts.map((alert) => (
          <li key={alert.id} className="flex items-start gap-2" data-testid="usage-alert">
            <span
              aria-hidden="true"
              className="mt-1.5 size-2.5 shrink-0 rounded-sm"
              style={{ background: colours.get(alert.keyId) ?? '#e11d48' }}
            />
            <span className="text-slate-700">
              <span className="font-medium text-rose-700">{ALERT_LABELS[alert.kind]}</span> ·{' '}
              {names.get(alert.keyId) ?? 'A key'}: {alert.summary}
              <time className="block text-xs text-slate-500" dateTime={alert.createdAt}>
                {formatDateTime(alert.createdAt)}
              </time>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function UsageCard({ workspaceId }: { workspaceId: string }) {
  const usage = useUsageQuery(workspaceId);
  const colours = useMemo(
    () =>
      new Map(
        (usage.data?.series ?? []).map((series, index) => [
          series.keyId,
          SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#4f46e5',
        ]),
      ),
    [usage.data],
  );
  const totals = (usage.data?.series ?? [])
    .map((series) => ({ ...series, total: seriesTotal(series.counts) }))
    .filter((series) => series.total > 0)
    .sort((a, b) => b.total - a.total);
  const grandTotal = totals.reduce((sum, series) => sum + series.total, 0);

  let body: ReactNode;
  if (usage.isPending) body = <ChartSkeleton />;
  else if (usage.isError && !usage.data) body = <LoadError title="Could not load the usage" query={usage} />;
  else if (grandTotal === 0)
    body = (
      <EmptyState icon={ChartIcon} title="No requests in the last 30 days" testId="usage-empty">
        Calls made with this workspace's keys are counted per key and per day (UTC).
      </EmptyState>
    );
  else
    body = (
      <div className="space-y-5">
        <Suspense fallback={<ChartSkeleton />}>
          <UsageChart usage={usage.data} colours={colours} />
        </Suspense>
        <ul
          className="flex flex-wrap gap-x-6 gap-y-2 border-t border-slate-100 pt-4 text-sm"
          aria-label="Requests per key"
        >
          {totals.map((series) => (
            <li key={series.keyId} className="flex items-center gap-2" data-testid="usage-legend-item">
              <span
                aria-hidden="true"
                className="size-2.5 rounded-sm"
                style={{ background: colours.get(series.keyId) }}
              />
              <span className="text-slate-700">{series.name}</span>
              <span className="font-medium text-slate-900 tabular-nums">{NUMBER.format(series.total)}</span>
            </li>
          ))}
        </ul>
        <AlertList usage={usage.data} colours={colours} />
      </div>
    );

  return (
    <Card
      id="usage"
      testId="usage-card"
      title="Usage"
      description={
        grandTotal
          ? `${NUMBER.format(grandTotal)} ${grandTotal === 1 ? 'request' : 'requests'} in the last ${USAGE_DAYS} days, per key and day (UTC).`
          : `Requests per key over the last ${USAGE_DAYS} days.`
      }
    >
      {body}
    </Card>
  );
}
