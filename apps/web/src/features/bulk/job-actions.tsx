// What can be done to a job: cancel it while it runs, retry its unknown results, delete it (after a
// confirmation) with its results.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, DeleteButton } from '../../components/button.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { RefreshIcon, StopIcon } from '../../components/icons.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { canRetryUnknown, formatCount, isActive } from './bulk-model.ts';
import { type BulkJob, useInvalidateBulk } from './use-bulk.ts';

export function useJobActions(workspaceId: string, jobId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const invalidateBulk = useInvalidateBulk();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const jobKey = trpc.bulk.get.queryKey({ workspaceId, jobId });
  const onJob = (updated: BulkJob) => {
    queryClient.setQueryData(jobKey, updated);
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
        queryClient.removeQueries({ queryKey: jobKey });
        await queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() });
        navigate(workspacePath(workspaceId, 'jobs'), { replace: true });
      },
      onError: onError('deleteJob'),
    }),
  );
  const problem = cancel.isError
    ? workspaceActionError(cancel.error, 'cancelJob')
    : retry.isError
      ? workspaceActionError(retry.error, 'retryJob')
      : undefined;
  return { cancel, retry, remove, confirmDelete, setConfirmDelete, problem, ref: { workspaceId, jobId } };
}

type JobActions = ReturnType<typeof useJobActions>;

export function JobActionButtons({ job, actions }: { job: BulkJob; actions: JobActions }) {
  const { cancel, retry, remove, ref } = actions;
  return (
    <>
      {isActive(job.status) ? (
        <Button
          variant="secondary"
          onClick={() => cancel.mutate(ref)}
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
          onClick={() => retry.mutate(ref)}
          loading={retry.isPending}
          data-testid="retry-unknown"
          title={`Check the ${formatCount(job.counts.unknown)} unknown results again`}
        >
          {retry.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
          Retry unknown results
        </Button>
      ) : null}
      <DeleteButton
        variant="secondary"
        onClick={() => {
          remove.reset();
          actions.setConfirmDelete(true);
        }}
        data-testid="delete-job"
        className="text-rose-700"
      />
    </>
  );
}

export function DeleteJobDialog({ job, actions }: { job: BulkJob; actions: JobActions }) {
  const { remove } = actions;
  const problem = remove.isError ? workspaceActionError(remove.error, 'deleteJob') : undefined;
  return (
    <ConfirmAction
      open={actions.confirmDelete}
      testId="delete-job-dialog"
      title="Delete this job and its results?"
      confirmLabel="Delete job"
      busy={remove.isPending}
      error={problem ? `${problem.title}. ${problem.message}` : undefined}
      onCancel={() => actions.setConfirmDelete(false)}
      onConfirm={() => remove.mutate(actions.ref)}
    >
      <p>
        <span className="font-medium text-slate-900">{job.name ?? 'The job'}</span> and the results of its{' '}
        {formatCount(job.total)} {job.total === 1 ? 'address' : 'addresses'} are deleted now. Download
        anything you need first: this cannot be undone.
      </p>
    </ConfirmAction>
  );
}
