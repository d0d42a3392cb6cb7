// The workspace's bulk verification jobs: newest first, with their status and progress (refreshed while
// one runs), "Load more" (keyset pages), and the way to upload a new list.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ListChecksIcon, UploadIcon } from '../../components/icons.tsx';
import { LoadMoreFooter } from '../../components/load-more-footer.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { formatDate, formatDateTime, formatRelative } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { DEPTH_INFO } from '../check/explain.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { formatCount, formatPercent, isActive, JOB_STATUS_INFO, jobPath, newJobPath } from './bulk-model.ts';
import { JobStatusBadge } from './job-status-badge.tsx';
import { useJobsList } from './use-bulk.ts';

function ListSkeleton() {
  return (
    <div data-testid="jobs-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">Loading bulk jobs…</span>
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-6 py-4">
          <Skeleton className="h-4 w-48" />
          <Skeleton className="h-5 w-20 rounded-full" />
          <Skeleton className="h-2 w-32 rounded-full" />
          <Skeleton className="ml-auto h-4 w-16" />
        </div>
      ))}
    </div>
  );
}

const PROGRESS_TONE = {
  queued: 'slate',
  running: 'indigo',
  completed: 'emerald',
  failed: 'rose',
  cancelled: 'amber',
} as const;

export function JobsPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Bulk jobs · ${workspace.name}`);
  const canManage = can('bulk.manage');
  const list = useJobsList(workspace.id);
  const now = useNow(30_000);
  const jobs = list.data?.pages.flatMap((page) => page.jobs) ?? [];

  const uploadLink = (testId: string, label = 'Upload a list') => (
    <Link to={newJobPath(workspace.id)} className={buttonClass('primary')} data-testid={testId}>
      <UploadIcon className="size-4" />
      {label}
    </Link>
  );

  let body: ReactNode;
  if (list.isPending) body = <ListSkeleton />;
  else if (list.isError && !list.data)
    body = (
      <LoadError
        title="Could not load the bulk jobs"
        error={list.error}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
        testId="jobs-error"
        className="m-5 sm:m-6"
      />
    );
  else if (jobs.length === 0)
    body = (
      <EmptyState
        icon={ListChecksIcon}
        title="No bulk jobs yet"
        testId="jobs-empty"
        action={canManage ? uploadLink('upload-empty', 'Upload your first list') : undefined}
      >
        {canManage
          ? 'Upload a CSV, TSV or plain list of addresses: every one is checked, and you can download the results.'
          : 'Owners, admins and members upload lists of addresses to check. Their jobs will appear here.'}
      </EmptyState>
    );
  else
    body = (
      <>
        <div className="relative overflow-x-auto">
          <table data-testid="jobs-table" className="w-full text-left text-sm">
            <caption className="sr-only">Bulk verification jobs, newest first</caption>
            <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                  Name
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Status
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                  Progress
                </th>
                <th scope="col" className="px-3 py-2.5 text-right font-medium">
                  Addresses
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                  Created
                </th>
                <th scope="col" className="hidden px-5 py-2.5 font-medium sm:table-cell sm:px-6">
                  Expires on
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.map((job) => (
                <tr key={job.id} data-testid="job-row" data-job-id={job.id} className="hover:bg-slate-50/70">
                  <td className="max-w-72 px-5 py-3 sm:px-6">
                    <Link
                      to={jobPath(workspace.id, job.id)}
                      className="block truncate font-medium text-slate-900 hover:text-indigo-600"
                      data-testid="job-link"
                      title={job.name ?? undefined}
                    >
                      {job.name ?? 'Untitled job'}
                    </Link>
                    <span className="block text-xs text-slate-400">{DEPTH_INFO[job.depth].label} depth</span>
                  </td>
                  <td className="px-3 py-3">
                    <JobStatusBadge status={job.status} />
                  </td>
                  <td className="hidden w-48 px-3 py-3 md:table-cell">
                    <div className="flex items-center gap-2.5">
                      <ProgressBar
                        value={job.percent}
                        size="sm"
                        tone={PROGRESS_TONE[job.status]}
                        label={`Progress of ${job.name ?? 'the job'}`}
                        valueText={`${formatPercent(job.percent)}, ${JOB_STATUS_INFO[job.status].label}`}
                      />
                      <span className="w-12 shrink-0 text-right text-xs text-slate-600 tabular-nums">
                        {formatPercent(job.percent)}
                      </span>
                    </div>
                  </td>
                  <td className="px-3 py-3 text-right text-slate-700 tabular-nums" data-testid="job-total">
                    {formatCount(job.total)}
                  </td>
                  <td className="hidden px-3 py-3 whitespace-nowrap text-slate-600 lg:table-cell">
                    <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
                      {formatRelative(Date.parse(job.createdAt), now)}
                    </time>
                  </td>
                  <td className="hidden px-5 py-3 whitespace-nowrap text-slate-600 sm:table-cell sm:px-6">
                    {job.expiresAt ? (
                      <time dateTime={job.expiresAt} title={formatDateTime(job.expiresAt)}>
                        {formatDate(job.expiresAt)}
                      </time>
                    ) : (
                      <span
                        className="text-slate-400"
                        title="Results are deleted 7 days after the job finishes"
                      >
                        {isActive(job.status) ? 'While running' : '—'}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMoreFooter
          shown={jobs.length}
          noun={['job', 'jobs']}
          endText="all of them"
          hasMore={list.hasNextPage}
          loading={list.isFetchingNextPage}
          failed={list.isFetchNextPageError}
          onLoadMore={() => void list.fetchNextPage()}
          testId="jobs"
        />
      </>
    );

  return (
    <div className="space-y-6" data-testid="jobs-page">
      <PageHeader
        title="Bulk jobs"
        description={
          <>
            Lists of addresses checked in the background for{' '}
            <span className="font-medium text-slate-700">{workspace.name}</span>. Results are kept for 7 days
            after a job finishes.
          </>
        }
        actions={canManage ? uploadLink('upload-list') : undefined}
      />
      <Card id="bulk-jobs" testId="jobs-card" bodyClassName="p-0" title="Jobs" description="Newest first.">
        {body}
      </Card>
    </div>
  );
}
