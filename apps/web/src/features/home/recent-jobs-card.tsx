// The newest bulk jobs of the workspace (at most five), each linking to its page.
import type { BulkJobDto } from '@postern/contracts';
import { Link } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ListChecksIcon } from '../../components/icons.tsx';
import { timeColumn, titleColumn } from '../../components/list-kit/columns.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { useNow } from '../../lib/use-now.ts';
import { JobStatusBadge } from '../bulk/job-status-badge.tsx';
import { workspacePath } from '../workspaces/paths.ts';

const NUMBER = new Intl.NumberFormat('en');

function columns(workspaceId: string, now: number): Column<BulkJobDto>[] {
  return [
    titleColumn('Job', (job) => (
      <Link
        to={`${workspacePath(workspaceId, 'jobs')}/${job.id}`}
        className="font-medium text-indigo-700 hover:text-indigo-900"
      >
        {job.name ?? 'Untitled job'}
      </Link>
    )),
    { id: 'status', header: 'Status', cell: (job) => <JobStatusBadge status={job.status} /> },
    {
      id: 'progress',
      header: 'Addresses',
      align: 'right',
      cell: (job) => `${NUMBER.format(job.processed)} / ${NUMBER.format(job.total)}`,
    },
    timeColumn('Created', (job) => job.createdAt, now),
  ];
}

export function RecentJobsCard({
  jobs,
  workspaceId,
  canUpload,
}: {
  jobs: BulkJobDto[];
  workspaceId: string;
  canUpload: boolean;
}) {
  const now = useNow(60_000);
  return (
    <Card
      id="home-jobs"
      testId="home-jobs"
      title="Recent bulk jobs"
      bodyClassName="p-0"
      actions={
        <Link to={workspacePath(workspaceId, 'jobs')} className={buttonClass('secondary')}>
          All jobs
        </Link>
      }
    >
      {jobs.length === 0 ? (
        <EmptyState icon={ListChecksIcon} title="No bulk jobs yet" testId="home-jobs-empty">
          {canUpload ? (
            <Link
              to={`${workspacePath(workspaceId, 'jobs')}/new`}
              className="font-medium text-indigo-700 hover:text-indigo-900"
            >
              Upload a list to check
            </Link>
          ) : (
            'Jobs uploaded in this workspace show here.'
          )}
        </EmptyState>
      ) : (
        <DataTable
          rows={jobs}
          columns={columns(workspaceId, now)}
          caption="The newest bulk jobs"
          testId="home-jobs-table"
        />
      )}
    </Card>
  );
}
