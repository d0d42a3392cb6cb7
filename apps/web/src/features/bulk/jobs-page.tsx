// The workspace's bulk verification jobs: newest first, with their status and progress (refreshed while
// one runs), "Load more" (keyset pages), and the way to upload a new list.

import { Link } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ListChecksIcon, UploadIcon } from '../../components/icons.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { infinitePagination } from '../../components/list-kit/load-more-footer.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { Page } from '../../components/page-header.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { formatDate, formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { DEPTH_INFO } from '../check/explain.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  type BulkJobDto,
  formatCount,
  formatPercent,
  isActive,
  JOB_STATUS_INFO,
  jobPath,
  newJobPath,
  PROGRESS_TONE,
} from './bulk-model.ts';
import { JobStatusBadge } from './job-status-badge.tsx';
import { useJobsList } from './use-bulk.ts';

function jobColumns(workspaceId: string, now: number): Column<BulkJobDto>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      primary: true,
      className: 'sm:max-w-72',
      cell: (job) => (
        <>
          <Link
            to={jobPath(workspaceId, job.id)}
            className="block font-medium text-slate-900 hover:text-indigo-600 sm:truncate"
            data-testid="job-link"
            title={job.name ?? undefined}
          >
            {job.name ?? 'Untitled job'}
          </Link>
          <span className="block text-xs text-slate-500">{DEPTH_INFO[job.depth].label} depth</span>
        </>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (job) => (
        <span>
          <JobStatusBadge status={job.status} />
        </span>
      ),
    },
    {
      id: 'progress',
      header: 'Progress',
      from: 'md',
      className: 'sm:w-48',
      cell: (job) => (
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
      ),
    },
    {
      id: 'total',
      header: 'Addresses',
      align: 'right',
      testId: 'job-total',
      className: 'text-slate-700',
      cell: (job) => formatCount(job.total),
    },
    {
      id: 'created',
      header: 'Created',
      from: 'lg',
      className: 'whitespace-nowrap text-slate-600',
      cell: (job) => <TimeAgo iso={job.createdAt} now={now} />,
    },
    {
      id: 'expires',
      header: 'Expires on',
      className: 'whitespace-nowrap text-slate-600',
      cell: (job) =>
        job.expiresAt ? (
          <time dateTime={job.expiresAt} title={formatDateTime(job.expiresAt)}>
            {formatDate(job.expiresAt)}
          </time>
        ) : (
          <span className="text-slate-500" title="Results are deleted 7 days after the job finishes">
            {isActive(job.status) ? 'While running' : '—'}
          </span>
        ),
    },
  ];
}

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

  return (
    <Page
      testId="jobs-page"
      title="Bulk jobs"
      description={
        <>
          Lists of addresses checked in the background for{' '}
          <span className="font-medium text-slate-700">{workspace.name}</span>. Results are kept for 7 days
          after a job finishes.
        </>
      }
      actions={canManage ? uploadLink('upload-list') : undefined}
    >
      <Card id="bulk-jobs" testId="jobs-card" bodyClassName="p-0" title="Jobs" description="Newest first.">
        <QueryState
          query={list}
          what="the bulk jobs"
          testId="jobs"
          skeleton={{
            cells: ['h-4 w-48', 'h-5 w-20 rounded-full', 'h-2 w-32 rounded-full', 'ml-auto h-4 w-16'],
          }}
          isEmpty={jobs.length === 0}
          empty={
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
          }
        >
          <DataTable
            rows={jobs}
            columns={jobColumns(workspace.id, now)}
            caption="Bulk verification jobs, newest first"
            testId="jobs-table"
            rowData={(job) => ({ 'data-job-id': job.id })}
            pagination={infinitePagination(list, jobs.length, {
              noun: ['job', 'jobs'],
              endText: 'all of them',
              testId: 'jobs',
            })}
          />
        </QueryState>
      </Card>
    </Page>
  );
}
