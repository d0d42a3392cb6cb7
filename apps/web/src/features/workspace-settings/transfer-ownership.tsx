// "Transfer ownership" (owners, #28): pick another member, confirm; they become the owner and you an admin.
import type { Workspace } from '@postern/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { SelectField } from '../../components/select.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useInvalidateMembers, useMembersQuery } from '../members/use-members.ts';
import { ROLE_LABELS } from '../workspaces/permissions.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { transferCandidates } from './ownership-helpers.ts';

export function TransferOwnership({
  workspace,
  onTransferred,
}: {
  workspace: Workspace;
  onTransferred: (email: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useMembersQuery(workspace.id);
  const invalidateMembers = useInvalidateMembers(workspace.id);
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [memberId, setMemberId] = useState('');
  const candidates = transferCandidates(members.data?.members ?? []);
  const chosen = candidates.find((member) => member.id === memberId);
  const transfer = useMutation(
    trpc.ownership.transfer.mutationOptions({
      onSuccess: async () => {
        confirm.close();
        onTransferred(chosen?.email ?? 'The member');
        await Promise.all([
          invalidateWorkspaces(),
          invalidateMembers(),
          queryClient.invalidateQueries({ queryKey: trpc.ownership.leaveState.queryKey() }),
        ]);
      },
    }),
  );
  // The refusal is the server's sentence (error), not a titled problem.
  const confirm = useConfirmMutation(transfer, () => undefined);

  return (
    <div className="space-y-3" data-testid="transfer-ownership">
      <div>
        <p className="text-sm font-medium text-slate-900">Transfer ownership</p>
        <p className="text-sm text-slate-600">
          Make another member the owner. You become an admin: you keep managing members and API keys.
        </p>
      </div>
      {members.isSuccess && candidates.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="transfer-nobody">
          Nobody else can take it over yet: invite someone first (Members).
        </p>
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <SelectField
            className="flex-1"
            label="New owner"
            testId="transfer-member"
            value={memberId}
            disabled={!members.isSuccess}
            onChange={(event) => setMemberId(event.target.value)}
          >
            <option value="">Choose a member…</option>
            {candidates.map((member) => (
              <option key={member.id} value={member.id}>
                {member.email} ({ROLE_LABELS[member.role]})
              </option>
            ))}
          </SelectField>
          <Button variant="secondary" disabled={!chosen} data-testid="transfer-start" onClick={confirm.ask}>
            Transfer ownership…
          </Button>
        </div>
      )}
      <ConfirmAction
        {...confirm.dialog}
        testId="transfer-dialog"
        title={`Make ${chosen?.email ?? 'this member'} the owner?`}
        confirmLabel="Transfer ownership"
        error={transfer.isError ? userMessage(transfer.error) : undefined}
        onConfirm={() => chosen && transfer.mutate({ workspaceId: workspace.id, memberId: chosen.id })}
      >
        <p>
          You become an admin of {workspace.name}: only the new owner can then delete the workspace, require
          two-factor authentication or give ownership back.
        </p>
      </ConfirmAction>
    </div>
  );
}
