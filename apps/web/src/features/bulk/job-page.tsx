// One bulk job: live progress (server-sent events, or polling every 2 s), the breakdown by verdict as
// a chart with its legend, what the upload held (column, duplicates, rejected rows by reason), the
// downloads, "Add results to my file" (joined in the browser), the results page by page, and the actions (cancel, retry unknown results, delete).
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { buttonClass } from '../../components/button.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ArrowLeftIcon, ListChecksIcon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { DEPTH_INFO } from '../check/explain.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { isActive } from './bulk-model.ts';
import { DownloadsCard } from './downloads-card.tsx';
import { DeleteJobDialog, JobActionButtons, useJobActions } from './job-actions.tsx';
import { BreakdownCard, JobSkeleton, ProgressCard, SummaryCard } from './job-cards.tsx';
import { JobStatusBadge } from './job-status-badge.tsx';
import { JoinCard } from './join-card.tsx';
import { ResultsCard } from './results-card.tsx';
import { useLiveJob } from './use-bulk.ts';

function BackLink({ workspaceId }: { workspaceId: string }) {
  return (
    <div>
      <Link
        to={workspacePath(workspaceId, 'jobs')}
        className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-600 hover:text-slate-900"
        data-testid="back-to-jobs"
      >
        <ArrowLeftIcon className="size-4" />
        Bulk jobs
      </Link>
    </div>
  );
}

/** The job could not be shown: gone (or never here), or the request failed. */
function JobMissing({
  query,
  workspaceId,
}: {
  query: ReturnType<typeof useLiveJob>['job'];
  workspaceId: string;
}) {
  let body: ReactNode;
  if (errorCode(query.error) === 'NOT_FOUND' || errorCode(query.error) === 'VALIDATION_FAILED')
    body = (
      <EmptyState icon={ListChecksIcon} title="Job not found" testId="job-not-found">
        It does not exist in this workspace, or it was deleted (results are kept 7 days after a job finishes).
        <Link to={workspacePath(workspaceId, 'jobs')} className={buttonClass('secondary', 'mt-4')}>
          See all jobs
        </Link>
      </EmptyState>
    );
  else body = <LoadError title="Could not load the job" query={query} testId="job-load-error" />;
  return (
    <div className="space-y-6" data-testid="job-page">
      <BackLink workspaceId={workspaceId} />
      {body}
    </div>
  );
}

export function JobPage() {
  const { workspace, can } = useCurrentWorkspace();
  const { jobId = '' } = useParams();
  const { job: query, mode } = useLiveJob(workspace.id, jobId);
  const job = query.data;
  useDocumentTitle(`${job?.name ?? 'Bulk job'} · ${workspace.name}`);
  const actions = useJobActions(workspace.id, jobId);
  const canManage = can('bulk.manage');

  if (query.isPending) return <JobSkeleton />;
  if (!job) return <JobMissing query={query} workspaceId={workspace.id} />;
  const active = isActive(job.status);
  return (
    <div className="space-y-6" data-testid="job-page" data-status={job.status}>
      <BackLink workspaceId={workspace.id} />
      <PageHeader
        title={job.name ?? 'Untitled job'}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <JobStatusBadge status={job.status} />
            <span>Created {formatDateTime(job.createdAt)}</span>
            <span>{DEPTH_INFO[job.depth].label} depth</span>
          </span>
        }
        actions={canManage ? <JobActionButtons job={job} actions={actions} /> : undefined}
      />
      {actions.problem ? (
        <Alert tone="error" title={actions.problem.title} testId="job-action-error">
          {actions.problem.message}
        </Alert>
      ) : null}
      <ProgressCard job={job} mode={mode} />
      <BreakdownCard job={job} />
      <SummaryCard job={job} />
      <DownloadsCard workspaceId={workspace.id} jobId={jobId} running={active} />
      {active ? null : <JoinCard workspaceId={workspace.id} job={job} />}
      <ResultsCard workspaceId={workspace.id} jobId={jobId} live={active} />
      <DeleteJobDialog job={job} actions={actions} />
    </div>
  );
}
