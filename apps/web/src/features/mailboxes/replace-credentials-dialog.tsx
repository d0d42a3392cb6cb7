// Replace a mailbox's credentials (a new app password, a changed server) or reconnect a disconnected
// one: the servers as they are, the user name, a new password. Tested like a new connection; the old
// credentials stay until the new ones pass.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  type ConnectDraft,
  credentialProblems,
  effectiveUsername,
  endpointInput,
  endpointProblems,
} from './connect-model.ts';
import { CredentialForm, useCredentialForm } from './credential-form.tsx';
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
  const updated = useMailboxUpdated();
  const replace = useMutation(
    trpc.mailboxes.replaceCredentials.mutationOptions({
      onSuccess: (saved) => {
        void updated(saved);
        onDone();
      },
    }),
  );
  const form = useCredentialForm({
    initial: () => draftOf(mailbox),
    action: 'replace',
    mutation: replace,
    onBusy,
  });
  const { draft } = form;
  const withEmail = { ...draft, email: mailbox.email };
  return (
    <CredentialForm
      name="replace"
      onSubmit={() =>
        form.submit({ ...endpointProblems(draft), ...credentialProblems(withEmail) }, () => ({
          workspaceId: workspace.id,
          mailboxId: mailbox.id,
          imap: endpointInput(draft.imap),
          smtp: endpointInput(draft.smtp),
          username: effectiveUsername(withEmail),
          password: draft.password,
        }))
      }
      form={form}
      email={mailbox.email}
      hostPlaceholder={(protocol) => `${protocol}.example.com`}
      label="Test and save"
      onCancel={onDone}
    />
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
