// One bulk job: live progress (server-sent events, or polling every 2 s), the breakdown by verdict as
// a chart with its legend, what the upload held (column, duplicates, rejected rows by reason), the
// downloads, the results page by page, and the actions (cancel, retry unknown results, delete).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button, buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import {
  ArrowLeftIcon,
  ChartIcon,
  ListChecksIcon,
  RefreshIcon,
  StopIcon,
  TrashIcon,
} from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { formatDate, formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { DEPTH_INFO } from '../check/explain.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { useCurrentWorkspace, useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import {
  canRetryUnknown,
  chartSegments,
  columnLabel,
  formatCount,
  formatEta,
  formatFileSize,
  formatPercent,
  formatShare,
  isActive,
  JOB_STATUS_INFO,
  progressText,
  rejectedRows,
} from './bulk-model.ts';
import { DownloadsCard } from './downloads-card.tsx';
import { JobStatusBadge } from './job-status-badge.tsx';
import { ResultsCard } from './results-card.tsx';
import { type BulkJob, type LiveMode, useInvalidateBulk, useLiveJob } from './use-bulk.ts';

const StatusChart = lazy(async () => ({ default: (await import('./status-chart.tsx')).StatusChart }));

const PROGRESS_TONE = {
  queued: 'slate',
  running: 'indigo',
  completed: 'emerald',
  failed: 'rose',
  cancelled: 'amber',
} as const;

const LIVE_TEXT: Record<LiveMode, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Updating every 2 seconds',
  idle: '',
};

function JobSkeleton() {
  return (
    <div className="space-y-6" data-testid="job-loading" aria-busy="true">
      <span className="sr-only">Loading the job…</span>
      <Skeleton className="h-8 w-72" />
      <Skeleton className="h-32 w-full rounded-xl" />
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}

function ProgressCard({ job, mode }: { job: BulkJob; mode: LiveMode }) {
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

function BreakdownCard({ job }: { job: BulkJob }) {
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

const FORMAT_LABEL = { csv: 'CSV', tsv: 'TSV', list: 'Plain list', json: 'JSON list' } as const;

const DETECTED_BY = {
  option: 'chosen at upload',
  header: 'detected from the header',
  content: 'detected from the content',
} as const;

function SummaryCard({ job }: { job: BulkJob }) {
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
          <table className="mt-2 w-full text-left text-sm" data-testid="rejected-table">
            <tbody className="divide-y divide-slate-100">
              {rejected.map((row) => (
                <tr key={row.reason} data-testid="rejected-row" data-reason={row.reason}>
                  <td className="py-2 pr-3">
                    <span className="block font-medium text-slate-800">{row.label}</span>
                    {row.text ? <span className="block text-xs text-slate-500">{row.text}</span> : null}
                  </td>
                  <td className="py-2 text-right font-medium text-slate-900 tabular-nums">
                    {formatCount(row.count)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

export function JobPage() {
  const { workspace, can } = useCurrentWorkspace();
  const { jobId = '' } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const invalidateBulk = useInvalidateBulk();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const { job: query, mode } = useLiveJob(workspace.id, jobId);
  const job = query.data;
  useDocumentTitle(`${job?.name ?? 'Bulk job'} · ${workspace.name}`);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const canManage = can('bulk.manage');

  const onJob = (updated: BulkJob) => {
    queryClient.setQueryData(trpc.bulk.get.queryKey({ workspaceId: workspace.id, jobId }), updated);
    void invalidateBulk();
  };
  const onError = (action: 'cancelJob' | 'retryJob' | 'deleteJob') => (error: unknown) => {
    if (workspaceActionError(error, action).staleRole) void invalidateWorkspaces();
  };
  const cancel = useMutation(
    trpc.bulk.cancel.mutationOptions({ onSuccess: onJob, onError: onError('cancelJob') }),
  );
  const retry = useMutation(
    trpc.bulk.retry.mutationOptions({ onSuccess: onJob, onError: onError('retryJob') }),
  );
  const remove = useMutation(
    trpc.bulk.delete.mutationOptions({
      onSuccess: async () => {
        setConfirmDelete(false);
        queryClient.removeQueries({ queryKey: trpc.bulk.get.queryKey({ workspaceId: workspace.id, jobId }) });
        await queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() });
        navigate(workspacePath(workspace.id, 'jobs'), { replace: true });
      },
      onError: onError('deleteJob'),
    }),
  );
  const actionProblem = cancel.isError
    ? workspaceActionError(cancel.error, 'cancelJob')
    : retry.isError
      ? workspaceActionError(retry.error, 'retryJob')
      : undefined;
  const deleteProblem = remove.isError ? workspaceActionError(remove.error, 'deleteJob') : undefined;

  const backLink = (
    <Link
      to={workspacePath(workspace.id, 'jobs')}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-600 hover:text-slate-900"
      data-testid="back-to-jobs"
    >
      <ArrowLeftIcon className="size-4" />
      Bulk jobs
    </Link>
  );

  if (query.isPending) return <JobSkeleton />;
  if (!job) {
    if (errorCode(query.error) === 'NOT_FOUND' || errorCode(query.error) === 'VALIDATION_FAILED')
      return (
        <div className="space-y-6" data-testid="job-page">
          <div>{backLink}</div>
          <EmptyState icon={ListChecksIcon} title="Job not found" testId="job-not-found">
            It does not exist in this workspace, or it was deleted (results are kept 7 days after a job
            finishes).
            <Link to={workspacePath(workspace.id, 'jobs')} className={buttonClass('secondary', 'mt-4')}>
              See all jobs
            </Link>
          </EmptyState>
        </div>
      );
    return (
      <div className="space-y-6" data-testid="job-page">
        <div>{backLink}</div>
        <LoadError
          title="Could not load the job"
          error={query.error}
          onRetry={() => void query.refetch()}
          retrying={query.isFetching}
          testId="job-load-error"
        />
      </div>
    );
  }

  const active = isActive(job.status);
  return (
    <div className="space-y-6" data-testid="job-page" data-status={job.status}>
      <div>{backLink}</div>
      <PageHeader
        title={job.name ?? 'Untitled job'}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <JobStatusBadge status={job.status} />
            <span>Created {formatDateTime(job.createdAt)}</span>
            <span>{DEPTH_INFO[job.depth].label} depth</span>
          </span>
        }
        actions={
          canManage ? (
            <>
              {active ? (
                <Button
                  variant="secondary"
                  onClick={() => cancel.mutate({ workspaceId: workspace.id, jobId })}
                  loading={cancel.isPending}
                  data-testid="cancel-job"
                >
                  {cancel.isPending ? null : <StopIcon className="size-4 text-slate-500" />}
                  Cancel
                </Button>
              ) : null}
              {canRetryUnknown(job) ? (
                <Button
                  variant="secondary"
                  onClick={() => retry.mutate({ workspaceId: workspace.id, jobId })}
                  loading={retry.isPending}
                  data-testid="retry-unknown"
                  title={`Check the ${formatCount(job.counts.unknown)} unknown results again`}
                >
                  {retry.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
                  Retry unknown results
                </Button>
              ) : null}
              <Button
                variant="secondary"
                onClick={() => {
                  remove.reset();
                  setConfirmDelete(true);
                }}
                data-testid="delete-job"
                className="text-rose-700"
              >
                <TrashIcon className="size-4" />
                Delete
              </Button>
            </>
          ) : undefined
        }
      />

      {actionProblem ? (
        <Alert tone="error" title={actionProblem.title} testId="job-action-error">
          {actionProblem.message}
        </Alert>
      ) : null}

      <ProgressCard job={job} mode={mode} />
      <BreakdownCard job={job} />
      <SummaryCard job={job} />
      <DownloadsCard workspaceId={workspace.id} jobId={jobId} running={active} />
      <ResultsCard workspaceId={workspace.id} jobId={jobId} live={active} />

      <ConfirmDialog
        open={confirmDelete}
        testId="delete-job-dialog"
        title="Delete this job and its results?"
        confirmLabel="Delete job"
        busy={remove.isPending}
        error={deleteProblem ? `${deleteProblem.title}. ${deleteProblem.message}` : undefined}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate({ workspaceId: workspace.id, jobId })}
      >
        <p>
          <span className="font-medium text-slate-900">{job.name ?? 'The job'}</span> and the results of its{' '}
          {formatCount(job.total)} {job.total === 1 ? 'address' : 'addresses'} are deleted now. Download
          anything you need first: this cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
