// Creating a workspace: from the switcher (a dialog), or on the root page when the user has none.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { BuildingIcon } from '../../components/icons.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { workspacePath } from './paths.ts';
import { useInvalidateWorkspaces } from './use-workspaces.ts';
import { workspaceNameProblem } from './validation.ts';
import { WorkspaceNameField } from './workspace-name-field.tsx';

/** Its Cancel closes the dialog it is in; on the page of a user with no workspace there is none. */
function CreateWorkspaceForm({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const invalidate = useInvalidateWorkspaces();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      onSuccess: async (workspace) => {
        await invalidate();
        onCreated();
        navigate(workspacePath(workspace.id));
      },
    }),
  );

  function submit() {
    const problem = workspaceNameProblem(name);
    setError(problem);
    if (!problem) create.mutate({ name: name.trim() });
  }

  return (
    <DialogForm
      testId="create-workspace-form"
      onSubmit={submit}
      problem={create.isError ? { message: userMessage(create.error) } : undefined}
      action={{ label: 'Create workspace', busy: create.isPending }}
    >
      <WorkspaceNameField
        testId="workspace-name"
        placeholder="Acme Inc."
        value={name}
        onValue={setName}
        error={error}
        hint="Usually your company or team. You can rename it later."
        autoFocus
      />
    </DialogForm>
  );
}

export function CreateWorkspaceDialog(dialog: OpenDialogProps) {
  return (
    <Dialog
      {...dialog}
      title="Create a workspace"
      description="A separate space with its own members, API keys and audit log. You will be its owner."
      testId="create-workspace-dialog"
    >
      <CreateWorkspaceForm onCreated={dialog.onClose} />
    </Dialog>
  );
}

/** The root page of a user who belongs to no workspace (they left every one). */
export function NoWorkspace() {
  return (
    <section
      data-testid="no-workspace"
      className="mx-auto mt-8 max-w-lg rounded-xl border border-slate-200 bg-white px-6 py-8 shadow-sm"
    >
      <div className="flex items-center gap-3">
        <div className="flex size-10 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600">
          <BuildingIcon className="size-5" />
        </div>
        <div>
          <h1 className="text-lg font-semibold text-slate-900">You are not in any workspace</h1>
          <p className="text-sm text-slate-500">Create one, or open an invitation link you were sent.</p>
        </div>
      </div>
      <div className="mt-6">
        <CreateWorkspaceForm onCreated={() => {}} />
      </div>
    </section>
  );
}
