// Replace a mailbox's credentials (a new app password, a changed server) or reconnect a disconnected
// one: the servers as they are, the user name, a new password. Tested like a new connection; the old
// credentials stay until the new ones pass.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { refusedField, serverFieldErrors, TestingProgress, useFieldFocus } from './connect-dialog.tsx';
import {
  type ConnectDraft,
  credentialProblems,
  effectiveUsername,
  endpointInput,
  endpointProblems,
  type FieldErrors,
  firstProblem,
} from './connect-model.ts';
import { AppPasswordNotice, CredentialFields } from './credential-fields.tsx';
import { EndpointFields } from './endpoint-fields.tsx';
import { mailboxActionError } from './mailbox-errors.ts';
import { type Mailbox, useMailboxUpdated } from './use-mailboxes.ts';

type Draft = Omit<ConnectDraft, 'email'>;

function draftOf(mailbox: Mailbox): Draft {
  const endpoint = (side: Mailbox['imap']) => ({
    host: side.host,
    port: String(side.port),
    security: side.security,
  });
  return {
    imap: endpoint(mailbox.imap),
    smtp: endpoint(mailbox.smtp),
    username: mailbox.username === mailbox.email ? '' : mailbox.username,
    password: '',
  };
}

function ReplaceForm({
  mailbox,
  onDone,
  onBusy,
}: {
  mailbox: Mailbox;
  onDone: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const { idPrefix, focusField } = useFieldFocus();
  const updated = useMailboxUpdated();
  const [draft, setDraft] = useState<Draft>(() => draftOf(mailbox));
  const [errors, setErrors] = useState<FieldErrors>({});
  const refusal = useRefusal((error) => mailboxActionError(error, 'replace'));
  const replace = useMutation(
    trpc.mailboxes.replaceCredentials.mutationOptions({
      onSuccess: (mailbox) => {
        void updated(mailbox);
        onDone();
      },
      onError: (error) => {
        refusal.onError(error);
        focusField(refusedField(mailboxActionError(error, 'replace')));
      },
    }),
  );
  const problem = refusal.problem(replace);
  const shown = { ...serverFieldErrors(problem), ...errors };
  useEffect(() => onBusy(replace.isPending), [replace.isPending, onBusy]);
  const change = (next: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...next }));
    if (replace.isError) replace.reset();
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (replace.isPending) return;
    const withEmail = { ...draft, email: mailbox.email };
    const next = { ...endpointProblems(draft), ...credentialProblems(withEmail) };
    setErrors(next);
    const first = firstProblem(next);
    if (first) return focusField(first);
    replace.mutate({
      workspaceId: workspace.id,
      mailboxId: mailbox.id,
      imap: endpointInput(draft.imap),
      smtp: endpointInput(draft.smtp),
      username: effectiveUsername(withEmail),
      password: draft.password,
    });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-6" data-testid="replace-form">
      <ProblemAlert problem={problem} testId="replace-error" />
      {(['smtp', 'imap'] as const).map((protocol) => (
        <EndpointFields
          key={protocol}
          protocol={protocol}
          idPrefix={idPrefix}
          value={draft[protocol]}
          onChange={(endpoint) => change({ [protocol]: endpoint })}
          errors={shown}
          hostPlaceholder={`${protocol}.example.com`}
        />
      ))}
      <AppPasswordNotice />
      <CredentialFields
        idPrefix={idPrefix}
        email={mailbox.email}
        username={draft.username}
        password={draft.password}
        onUsername={(username) => change({ username })}
        onPassword={(password) => change({ password })}
        errors={shown}
      />
      {replace.isPending ? <TestingProgress testId="replace-progress" /> : null}
      <FormActions label="Test and save" busy={replace.isPending} testId="replace-submit" onCancel={onDone} />
    </form>
  );
}

export function ReplaceCredentialsDialog({
  mailbox,
  open,
  onClose,
}: {
  mailbox: Mailbox;
  open: boolean;
  onClose: () => void;
}) {
  const reconnect = mailbox.status === 'disconnected';
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      dismissable={!busy}
      side
      testId="replace-dialog"
      title={reconnect ? `Reconnect ${mailbox.email}` : `Replace the credentials of ${mailbox.email}`}
      description="Postern signs in with the new details first; the current ones stay until both servers accept the new ones."
    >
      <ReplaceForm mailbox={mailbox} onDone={onClose} onBusy={setBusy} />
    </Dialog>
  );
}
