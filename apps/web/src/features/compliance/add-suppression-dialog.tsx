// Suppress one address by hand (owners and admins): it is never mailed by a campaign until a member
// removes the entry (manual entries only) or the person subscribes again with double opt-in.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { closeThen, Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { EmailField, useEmailInput } from '../../components/email-field.tsx';
import { Field } from '../../components/field.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { suppressionActionError } from './suppression-errors.ts';

function AddForm({
  workspaceId,
  onAdded,
}: {
  workspaceId: string;
  onAdded: (email: string, added: boolean) => void;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => suppressionActionError(error, 'add'));
  const email = useEmailInput();
  const [source, setSource] = useState('');
  const add = useMutation(
    trpc.contacts.suppressions.add.mutationOptions({
      onSuccess: (result, input) => onAdded(input.emails[0] ?? '', result.added > 0),
      onError: refusal.onError,
    }),
  );
  function submit() {
    const address = email.checked();
    if (!address) return;
    add.mutate({ workspaceId, emails: [address], ...(source.trim() ? { source: source.trim() } : {}) });
  }
  return (
    <DialogForm testId="add-suppression-form" onSubmit={submit} {...refusal.form(add, 'Suppress address')}>
      <EmailField input={email} testId="suppression-email" />
      <Field
        label="Source (optional)"
        testId="suppression-source"
        autoComplete="off"
        maxLength={200}
        placeholder="Asked by phone, 6 December"
        hint="Why it is suppressed, for whoever reads the list later."
        value={source}
        onValue={setSource}
      />
    </DialogForm>
  );
}

export function AddSuppressionDialog({
  workspaceId,
  onAdded,
  ...dialog
}: OpenDialogProps & {
  workspaceId: string;
  onAdded: (email: string, added: boolean) => void;
}) {
  return (
    <Dialog
      {...dialog}
      testId="add-suppression-dialog"
      title="Suppress an address"
      description="Campaigns never send to a suppressed address, and no import, API call or dashboard action can subscribe it."
    >
      <AddForm workspaceId={workspaceId} onAdded={closeThen(dialog.onClose, onAdded)} />
    </Dialog>
  );
}
