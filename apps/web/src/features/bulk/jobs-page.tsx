// The workspace's bulk verification jobs: newest first, with their status and progress (refreshed while
// one runs), "Load more" (keyset pages), and the way to upload a new list.

import { Link } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ListChecksIcon, UploadIcon } from '../../components/icons.tsx';
import { badgeColumn, column, timeColumn, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import { Page } from '../../components/page-header.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
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

/** A job's name (opening its page) and the depth it checks at. */
function JobTitle({ job, workspaceId }: { job: BulkJobDto; workspaceId: string }) {
  return (
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
  );
}

function jobColumns(workspaceId: string, now: number): Column<BulkJobDto>[] {
  return [
    titleColumn('Name', (job) => <JobTitle job={job} workspaceId={workspaceId} />, {
      className: 'sm:max-w-72',
    }),
    badgeColumn('Status', (job) => <JobStatusBadge status={job.status} />),
    column(
      'Progress',
      (job) => (
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
      { from: 'md', className: 'sm:w-48' },
    ),
    column('Addresses', (job) => formatCount(job.total), {
      align: 'right',
      testId: 'job-total',
      className: 'text-slate-700',
    }),
    timeColumn('Created', (job) => job.createdAt, now, { from: 'lg' }),
    column(
      'Expires on',
      (job) =>
        job.expiresAt ? (
          <time dateTime={job.expiresAt} title={formatDateTime(job.expiresAt)}>
            {formatDate(job.expiresAt)}
          </time>
        ) : (
          <span className="text-slate-500" title="Results are deleted 7 days after the job finishes">
            {isActive(job.status) ? 'While running' : '—'}
          </span>
        ),
      { className: 'whitespace-nowrap text-slate-600' },
    ),
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
        <KeysetTable
          log={list}
          rows={jobs}
          state={{
            name: 'jobs',
            what: 'the bulk jobs',
            skeleton: {
              cells: ['h-4 w-48', 'h-5 w-20 rounded-full', 'h-2 w-32 rounded-full', 'ml-auto h-4 w-16'],
            },
            empty: {
              icon: ListChecksIcon,
              title: 'No bulk jobs yet',
              action: canManage ? uploadLink('upload-empty', 'Upload your first list') : undefined,
              children: canManage
                ? 'Upload a CSV, TSV or plain list of addresses: every one is checked, and you can download the results.'
                : 'Owners, admins and members upload lists of addresses to check. Their jobs will appear here.',
            },
          }}
          words={{ noun: ['job', 'jobs'], endText: 'all of them' }}
          columns={jobColumns(workspace.id, now)}
          caption="Bulk verification jobs, newest first"
          rowData={(job) => ({ 'data-job-id': job.id })}
        />
      </Card>
    </Page>
  );
}
