// "Delete workspace" (owners, #28): confirmed with the password (and a code or a recovery code when
// two-factor authentication is on); 30 days of grace, shown to every member, cancellable by owners.
import type { Workspace } from '@postern/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { erasureDay } from '../privacy/deletion-text.ts';
import { DeletionProofForm } from '../security/two-factor-proof-form.tsx';

export function DeleteWorkspace({ workspace, owner }: { workspace: Workspace; owner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const scope = { workspaceId: workspace.id };
  const state = useQuery(trpc.ownership.deletionState.queryOptions(scope, { staleTime: 0 }));
  const [asking, setAsking] = useState(false);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.ownership.deletionState.queryKey(scope) });
  const request = useMutation(
    trpc.ownership.requestDeletion.mutationOptions({
      onSuccess: async () => {
        setAsking(false);
        await refresh();
      },
    }),
  );
  const cancel = useMutation(trpc.ownership.cancelDeletion.mutationOptions({ onSuccess: refresh }));
  const eraseAt = state.data?.eraseAt;

  if (eraseAt)
    return (
      <Alert
        tone="warning"
        title="This workspace is scheduled for deletion"
        testId="workspace-deletion-pending"
      >
        <p>
          It will be permanently erased on{' '}
          <span className="font-medium" data-testid="workspace-erase-day">
            {erasureDay(eraseAt)}
          </span>
          , with its API keys, bulk jobs and audit log. Its API keys are refused and its bulk jobs were
          cancelled until then.
        </p>
        {cancel.isError ? <p className="mt-2 text-rose-700">{userMessage(cancel.error)}</p> : null}
        {owner ? (
          <Button
            className="mt-3"
            variant="secondary"
            loading={cancel.isPending}
            data-testid="cancel-workspace-deletion"
            onClick={() => cancel.mutate(scope)}
          >
            Cancel deletion
          </Button>
        ) : null}
      </Alert>
    );
  if (!owner) return null;
  return (
    <div
      className="space-y-3 rounded-lg border border-rose-200 bg-rose-50/40 px-4 py-4"
      data-testid="delete-workspace"
    >
      {asking ? (
        <DeletionProofForm
          title={`Delete ${workspace.name}`}
          description="Its API keys stop working and its bulk jobs are cancelled at once; after 30 days everything in it is erased. Until then you can cancel."
          submitLabel="Delete workspace"
          request={request}
          onProof={(proof) => request.mutate({ ...scope, ...proof })}
          onCancel={() => setAsking(false)}
          testId="delete-workspace-form"
        />
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <p className="text-sm font-medium text-slate-900">Delete this workspace</p>
            <p className="text-sm text-slate-600">
              For everyone in it, after 30 days of grace. Asks for your password.
            </p>
          </div>
          <Button
            variant="danger"
            disabled={!state.isSuccess}
            data-testid="delete-workspace-start"
            onClick={() => {
              request.reset();
              setAsking(true);
            }}
          >
            Delete workspace…
          </Button>
        </div>
      )}
    </div>
  );
}
