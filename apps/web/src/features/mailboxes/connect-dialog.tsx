// Connect a mailbox with IMAP/SMTP credentials, in a side panel: the address, both servers, the
// sign-in. Submitting tests SMTP then IMAP on the server; only when both answer is anything stored.
// A failed test is shown next to the field it is about, and every value typed stays in the form.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { EXACT_INPUT, Field } from '../../components/field.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { connectInput, connectProblems, emptyDraft, hostPlaceholder } from './connect-model.ts';
import { CredentialForm, useCredentialForm } from './credential-form.tsx';
import { fieldId } from './endpoint-fields.tsx';
import type { Mailbox } from './use-mailboxes.ts';

function ConnectForm({
  workspaceId,
  onConnected,
  onCancel,
  onBusy,
}: {
  workspaceId: string;
  onConnected: (mailbox: Mailbox) => void;
  onCancel: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const trpc = useTRPC();
  const connect = useMutation(trpc.mailboxes.connect.mutationOptions({ onSuccess: onConnected }));
  const form = useCredentialForm({ initial: emptyDraft, action: 'connect', mutation: connect, onBusy });
  const { draft } = form;
  return (
    <CredentialForm
      name="connect"
      onSubmit={() => form.submit(connectProblems(draft), () => ({ workspaceId, ...connectInput(draft) }))}
      form={form}
      email={draft.email}
      hostPlaceholder={(protocol) => hostPlaceholder(protocol, draft.email)}
      label="Test and connect"
      onCancel={onCancel}
    >
      <Field
        id={fieldId(form.idPrefix, 'email')}
        label="Email address"
        type="email"
        testId="mailbox-email"
        {...EXACT_INPUT}
        placeholder="anna@example.com"
        value={draft.email}
        onChange={(event) => form.change({ email: event.target.value })}
        error={form.shown.email}
        autoFocus
      />
    </CredentialForm>
  );
}

export function ConnectDialog({
  workspaceId,
  onConnected,
  ...dialog
}: OpenDialogProps & {
  workspaceId: string;
  onConnected: (mailbox: Mailbox) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      {...dialog}
      dismissable={!busy}
      side
      testId="connect-dialog"
      title="Connect an email account"
      description="Postern signs in to the mailbox's servers with these details to check them, then stores them sealed. Nothing is stored if a check fails."
    >
      <ConnectForm
        workspaceId={workspaceId}
        onCancel={dialog.onClose}
        onBusy={setBusy}
        onConnected={(mailbox) => {
          onConnected(mailbox);
          dialog.onClose();
        }}
      />
    </Dialog>
  );
}
