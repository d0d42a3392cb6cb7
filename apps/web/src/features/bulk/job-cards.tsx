// The cards of a job's page: live progress, the verdict breakdown (chart and legend), and what the
// upload held (column, duplicates, rejected rows by reason).
import { lazy, type ReactNode, Suspense } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ChartIcon } from '../../components/icons.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { formatDate, formatDateTime } from '../../lib/time.ts';
import {
  chartSegments,
  columnLabel,
  formatCount,
  formatEta,
  formatFileSize,
  formatPercent,
  formatShare,
  isActive,
  JOB_STATUS_INFO,
  PROGRESS_TONE,
  progressText,
  type RejectedRow,
  rejectedRows,
} from './bulk-model.ts';
import type { BulkJob, LiveMode } from './use-bulk.ts';

const StatusChart = lazy(async () => ({ default: (await import('./status-chart.tsx')).StatusChart }));

const LIVE_TEXT: Record<LiveMode, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Updating every 2 seconds',
  idle: '',
};

export function JobSkeleton() {
  return (
    <div className="space-y-6" data-testid="job-loading" aria-busy="true">
      <span className="sr-only">Loading the job…</span>
      <Skeleton className="h-8 w-72" />
      <Skeleton className="h-32 w-full rounded-xl" />
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}

export function ProgressCard({ job, mode }: { job: BulkJob; mode: LiveMode }) {
  const active = isActive(job.status);
  const eta = active ? formatEta(job.etaSeconds) : null;
  return (
    <Card
      id="job-progress"
      testId="progress-card"
      title="Progress"
      description={JOB_STATUS_INFO[job.status].text}
      actions={
        active ? (
          <Badge tone={mode === 'live' ? 'emerald' : 'slate'} dot testId="live-mode">
            {LIVE_TEXT[mode]}
          </Badge>
        ) : undefined
      }
    >
      <div className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1">
          <span className="text-3xl font-semibold text-slate-900 tabular-nums" data-testid="job-percent">
            {formatPercent(job.percent)}
          </span>
          <span className="text-sm text-slate-600 tabular-nums" data-testid="job-processed">
            {progressText(job.processed, job.total)}
          </span>
        </div>
        <ProgressBar
          value={job.percent}
          label="Job progress"
          tone={PROGRESS_TONE[job.status]}
          testId="job-progress"
          valueText={`${formatPercent(job.percent)}: ${progressText(job.processed, job.total)}`}
        />
        <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-500">
          {active ? (
            <span data-testid="job-eta">
              {eta
                ? `Time left: ${eta}`
                : job.status === 'queued'
                  ? 'Waiting to start'
                  : 'Estimating time left…'}
            </span>
          ) : null}
          {job.startedAt ? <span>Started {formatDateTime(job.startedAt)}</span> : null}
          {job.completedAt ? <span>Finished {formatDateTime(job.completedAt)}</span> : null}
          {job.retries > 0 ? (
            <span>
              Unknown results retried {job.retries} {job.retries === 1 ? 'time' : 'times'}
            </span>
          ) : null}
        </div>
        {job.status === 'failed' && job.error ? (
          <Alert tone="error" title="The job failed" testId="job-error">
            {job.error}
          </Alert>
        ) : null}
        {!active && job.expiresAt ? (
          <p
            className="rounded-lg bg-slate-50 px-3.5 py-2.5 text-sm text-slate-700 ring-1 ring-slate-200"
            data-testid="job-expiry"
          >
            Results are deleted on{' '}
            <time dateTime={job.expiresAt} title={formatDateTime(job.expiresAt)} className="font-medium">
              {formatDate(job.expiresAt)}
            </time>
            . Download them before then.
          </p>
        ) : null}
      </div>
    </Card>
  );
}

function ChartSkeleton() {
  return <Skeleton className="size-52 shrink-0 rounded-full" />;
}

export function BreakdownCard({ job }: { job: BulkJob }) {
  const segments = chartSegments(job.counts, job.total);
  let body: ReactNode;
  if (segments.length === 0)
    body = (
      <EmptyState icon={ChartIcon} title="No addresses to show" testId="breakdown-empty">
        The file held no address that could be checked.
      </EmptyState>
    );
  else
    body = (
      <div className="flex flex-col items-center gap-8 sm:flex-row sm:items-center">
        <Suspense fallback={<ChartSkeleton />}>
          <StatusChart segments={segments} centre={formatPercent(job.percent)} />
        </Suspense>
        <ul
          className="w-full flex-1 divide-y divide-slate-100 sm:max-w-md"
          aria-label="Results by status"
          data-testid="chart-legend"
        >
          {segments.map((segment) => (
            <li
              key={segment.key}
              className="flex items-center gap-3 py-2 text-sm"
              data-testid="legend-item"
              data-status={segment.key}
            >
              <span
                aria-hidden="true"
                className="size-3 shrink-0 rounded-sm"
                style={{ background: segment.colour }}
              />
              <span className="flex-1 text-slate-700">{segment.label}</span>
              <span className="font-medium text-slate-900 tabular-nums" data-testid="legend-count">
                {formatCount(segment.count)}
              </span>
              <span className="w-14 text-right text-xs text-slate-500 tabular-nums">
                {formatShare(segment.share)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <Card
      id="job-breakdown"
      testId="breakdown-card"
      title="By status"
      description="The verdict of each address checked so far."
    >
      {body}
    </Card>
  );
}

const REJECTED_COLUMNS: Column<RejectedRow>[] = [
  {
    id: 'reason',
    header: 'Reason',
    primary: true,
    cell: (row) => (
      <>
        <span className="block font-medium text-slate-800">{row.label}</span>
        {row.text ? <span className="block text-xs text-slate-500">{row.text}</span> : null}
      </>
    ),
  },
  {
    id: 'rows',
    header: 'Rows',
    align: 'right',
    className: 'font-medium text-slate-900',
    cell: (row) => formatCount(row.count),
  },
];

const FORMAT_LABEL = { csv: 'CSV', tsv: 'TSV', list: 'Plain list', json: 'JSON list' } as const;

const DETECTED_BY = {
  option: 'chosen at upload',
  header: 'detected from the header',
  content: 'detected from the content',
} as const;

export function SummaryCard({ job }: { job: BulkJob }) {
  const summary = job.summary;
  if (!summary) return null;
  const rejected = rejectedRows(summary.rejected);
  const rejectedTotal = rejected.reduce((sum, row) => sum + row.count, 0);
  const facts: Array<[string, ReactNode, string]> = [
    ['Rows read', formatCount(summary.rowsRead), 'summary-rows'],
    ['Addresses to check', formatCount(summary.addresses), 'summary-addresses'],
    ['Duplicates removed', formatCount(summary.duplicates), 'summary-duplicates'],
    ['Rows rejected', formatCount(rejectedTotal), 'summary-rejected'],
  ];
  return (
    <Card
      id="job-summary"
      testId="summary-card"
      title="The upload"
      description={
        <>
          {FORMAT_LABEL[summary.format]} · {formatFileSize(summary.bytes)} · column{' '}
          <span className="font-medium text-slate-700" data-testid="summary-column">
            {columnLabel(summary.column)}
          </span>{' '}
          ({DETECTED_BY[summary.column.detectedBy]})
        </>
      }
    >
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        {facts.map(([label, value, testId]) => (
          <div key={label} className="rounded-lg bg-slate-50 px-3.5 py-3 ring-1 ring-slate-200/70">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {rejected.length ? (
        <div className="mt-5">
          <h3 className="text-sm font-medium text-slate-800">Rejected rows, by reason</h3>
          <p className="text-xs text-slate-500">These rows held no usable address and were not checked.</p>
          <DataTable
            rows={rejected}
            columns={REJECTED_COLUMNS}
            rowKey={(row) => row.reason}
            caption="Rejected rows, by reason"
            testId="rejected-table"
            rowData={(row) => ({ 'data-reason': row.reason })}
            density="compact"
            className="mt-2"
          />
        </div>
      ) : null}
    </Card>
  );
}
