// The workspace itself: its name (renamed by owners and admins), plan, and leaving it.
import type { Workspace } from '@postern/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { formatDate } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useSession } from '../auth/use-session.ts';
import { RoleBadge } from '../members/role-badge.tsx';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { forgetWorkspace } from '../workspaces/last-workspace.ts';
import { can, ROLE_LABELS } from '../workspaces/permissions.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { workspaceNameProblem } from '../workspaces/validation.ts';
import { WorkspaceNameField } from '../workspaces/workspace-name-field.tsx';
import { PLAN_LABELS } from '../workspaces/workspace-switcher.tsx';

function RenameForm({ workspace }: { workspace: Workspace }) {
  const trpc = useTRPC();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const refusal = useRefusal((error) => workspaceActionError(error, 'rename'));
  const [name, setName] = useState(workspace.name);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const rename = useMutation(
    trpc.workspaces.rename.mutationOptions({
      onSuccess: async () => {
        await invalidateWorkspaces();
        setDone(true);
      },
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(rename);

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const found = workspaceNameProblem(name);
    setError(found);
    if (!found) rename.mutate({ workspaceId: workspace.id, name: name.trim() });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-4" data-testid="rename-form">
      {done ? (
        <Alert tone="success" testId="workspace-renamed">
          The workspace is now called <span className="font-medium">{workspace.name}</span>.
        </Alert>
      ) : null}
      <ProblemAlert problem={problem} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <WorkspaceNameField
          className="flex-1"
          testId="rename-input"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            setDone(false);
          }}
          error={error}
        />
        <Button
          type="submit"
          variant="secondary"
          className="sm:mt-7"
          loading={rename.isPending}
          disabled={name.trim() === workspace.name}
          data-testid="rename-submit"
        >
          Save name
        </Button>
      </div>
    </form>
  );
}

export function WorkspaceSettingsCard({ workspace }: { workspace: Workspace }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const session = useSession();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const leave = useMutation(
    trpc.workspaces.leave.mutationOptions({
      onSuccess: async () => {
        if (session.status === 'signed_in') forgetWorkspace(session.user.id, workspace.id);
        confirm.close();
        await invalidateWorkspaces();
        navigate('/', { replace: true });
      },
    }),
  );
  const confirm = useConfirmMutation(leave, (mutation) =>
    mutation.isError ? workspaceActionError(mutation.error, 'leave') : undefined,
  );
  // The only owner may not leave: the button is disabled with the server's reason (#28).
  const leaveState = useQuery(
    trpc.ownership.leaveState.queryOptions({ workspaceId: workspace.id }, { staleTime: 0 }),
  );
  const blocked =
    leaveState.data?.canLeave === false
      ? (leaveState.data.reason ?? 'You cannot leave this workspace.')
      : undefined;

  return (
    <Card
      id="workspace-settings"
      testId="workspace-settings-card"
      title="Workspace settings"
      description="The name everyone in the workspace sees, and your place in it."
    >
      <div className="space-y-6">
        {can(workspace.role, 'workspace.rename') ? (
          <RenameForm key={workspace.id} workspace={workspace} />
        ) : (
          <div>
            <p className="text-sm font-medium text-slate-800">Workspace name</p>
            <p className="mt-1 text-sm text-slate-600">{workspace.name}</p>
            <p className="mt-1 text-xs text-slate-500">Owners and admins can rename the workspace.</p>
          </div>
        )}
        <dl className="grid gap-4 border-t border-slate-100 pt-5 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">Your role</dt>
            <dd className="mt-1">
              <RoleBadge role={workspace.role} testId="my-role" />
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Plan</dt>
            <dd className="mt-1 font-medium text-slate-900">{PLAN_LABELS[workspace.plan]}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Created</dt>
            <dd className="mt-1 text-slate-900">{formatDate(workspace.createdAt)}</dd>
          </div>
        </dl>
        <div className="flex flex-col gap-3 rounded-lg border border-rose-200 bg-rose-50/40 px-4 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <p className="text-sm font-medium text-slate-900">Leave this workspace</p>
            <p className="text-sm text-slate-600">
              You lose access at once; someone has to invite you again to come back.
              {workspace.role === 'owner' && !blocked ? ' A workspace keeps at least one owner.' : ''}
            </p>
            {blocked ? (
              <p
                id="leave-blocked"
                className="mt-1 text-sm font-medium text-rose-800"
                data-testid="leave-blocked"
              >
                {blocked}
              </p>
            ) : null}
          </div>
          <Button
            variant="danger"
            disabled={Boolean(blocked)}
            aria-describedby={blocked ? 'leave-blocked' : undefined}
            data-testid="leave-workspace"
            onClick={confirm.ask}
          >
            Leave workspace
          </Button>
        </div>
      </div>
      <ConfirmAction
        {...confirm.dialog}
        testId="leave-dialog"
        title={`Leave ${workspace.name}?`}
        confirmLabel="Leave workspace"
        onConfirm={() => leave.mutate({ workspaceId: workspace.id })}
      >
        <p>
          You are {/^[aeiou]/i.test(workspace.role) ? 'an' : 'a'} {ROLE_LABELS[workspace.role].toLowerCase()}{' '}
          of this workspace. After leaving you will no longer see its members, API keys or audit log.
        </p>
      </ConfirmAction>
    </Card>
  );
}
