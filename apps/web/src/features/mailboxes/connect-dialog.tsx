// Connect a mailbox with IMAP/SMTP credentials, in a side panel: the address, both servers, the
// sign-in. Submitting tests SMTP then IMAP on the server; only when both answer is anything stored.
// A failed test is shown next to the field it is about, and every value typed stays in the form.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import {
  type ConnectDraft,
  type ConnectField,
  connectFieldOf,
  connectInput,
  connectProblems,
  emptyDraft,
  type FieldErrors,
  firstProblem,
  hostPlaceholder,
} from './connect-model.ts';
import { AppPasswordNotice, CredentialFields } from './credential-fields.tsx';
import { EndpointFields, fieldId } from './endpoint-fields.tsx';
import { type MailboxProblem, mailboxActionError } from './mailbox-errors.ts';
import { failureField, failureText } from './mailbox-model.ts';
import type { Mailbox } from './use-mailboxes.ts';

/**
 * A form's ids (`idPrefix`) and `focusField(field)`, which moves the focus to that field once React
 * has rendered its error (after the commit, so the error is announced with the field).
 */
export function useFieldFocus() {
  const idPrefix = useId();
  const [target, setTarget] = useState<{ field: ConnectField }>();
  useEffect(() => {
    if (target) document.getElementById(fieldId(idPrefix, target.field))?.focus();
  }, [target, idPrefix]);
  return {
    idPrefix,
    focusField: (field: ConnectField | undefined) => {
      if (field) setTarget({ field });
    },
  };
}

/** The field a refusal is about: where a test failed, or the input the server named. */
export function refusedField(problem: MailboxProblem | undefined): ConnectField | undefined {
  if (problem?.failure) return failureField(problem.failure);
  return connectFieldOf(problem?.field);
}

/** The server's refusal as field errors: a failed test next to its field, a named field's issue. */
export function serverFieldErrors(problem: MailboxProblem | undefined): FieldErrors {
  const field = refusedField(problem);
  if (!problem || !field) return {};
  return { [field]: problem.failure ? failureText(problem.failure) : problem.message };
}

/** While the server tests both connections (each may take seconds: DNS, TLS, greeting, login). */
export function TestingProgress({ testId }: { testId: string }) {
  return (
    <p
      role="status"
      data-testid={testId}
      className="flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700"
    >
      <Spinner className="size-4 text-indigo-600" />
      Testing SMTP (sign-in to send), then IMAP (sign-in to the inbox)… this can take up to half a minute.
    </p>
  );
}

function ConnectForm({
  workspaceId,
  onConnected,
  onCancel,
  onBusy,
}: {
  workspaceId: string;
  onConnected: (mailbox: Mailbox) => void;
  onCancel: () => void;
  /** The servers are being tested: the dialog waits (a closed form would hide the outcome). */
  onBusy: (busy: boolean) => void;
}) {
  const trpc = useTRPC();
  const { idPrefix, focusField } = useFieldFocus();
  const [draft, setDraft] = useState<ConnectDraft>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const refusal = useRefusal((error) => mailboxActionError(error, 'connect'));
  const connect = useMutation(
    trpc.mailboxes.connect.mutationOptions({
      onSuccess: (mailbox) => onConnected(mailbox),
      onError: (error) => {
        refusal.onError(error);
        focusField(refusedField(mailboxActionError(error, 'connect')));
      },
    }),
  );
  const problem = refusal.problem(connect);
  const shown = { ...serverFieldErrors(problem), ...errors };
  useEffect(() => onBusy(connect.isPending), [connect.isPending, onBusy]);

  const change = (next: Partial<ConnectDraft>) => {
    setDraft((current) => ({ ...current, ...next }));
    if (connect.isError) connect.reset();
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (connect.isPending) return;
    const next = connectProblems(draft);
    setErrors(next);
    const first = firstProblem(next);
    if (first) return focusField(first);
    connect.mutate({ workspaceId, ...connectInput(draft) });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-6" data-testid="connect-form">
      <ProblemAlert problem={problem} testId="connect-error" />
      <Field
        id={fieldId(idPrefix, 'email')}
        label="Email address"
        type="email"
        testId="mailbox-email"
        autoComplete="off"
        spellCheck={false}
        placeholder="anna@example.com"
        value={draft.email}
        onChange={(event) => change({ email: event.target.value })}
        error={shown.email}
        autoFocus
      />
      {(['smtp', 'imap'] as const).map((protocol) => (
        <EndpointFields
          key={protocol}
          protocol={protocol}
          idPrefix={idPrefix}
          value={draft[protocol]}
          onChange={(endpoint) => change({ [protocol]: endpoint })}
          errors={shown}
          hostPlaceholder={hostPlaceholder(protocol, draft.email)}
        />
      ))}
      <AppPasswordNotice />
      <CredentialFields
        idPrefix={idPrefix}
        email={draft.email}
        username={draft.username}
        password={draft.password}
        onUsername={(username) => change({ username })}
        onPassword={(password) => change({ password })}
        errors={shown}
      />
      {connect.isPending ? <TestingProgress testId="connect-progress" /> : null}
      <FormActions
        label="Test and connect"
        busy={connect.isPending}
        testId="connect-submit"
        onCancel={onCancel}
      />
    </form>
  );
}

export function ConnectDialog({
  open,
  workspaceId,
  onClose,
  onConnected,
}: {
  open: boolean;
  workspaceId: string;
  onClose: () => void;
  onConnected: (mailbox: Mailbox) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      dismissable={!busy}
      side
      testId="connect-dialog"
      title="Connect an email account"
      description="Postern signs in to the mailbox's servers with these details to check them, then stores them sealed. Nothing is stored if a check fails."
    >
      <ConnectForm
        workspaceId={workspaceId}
        onCancel={onClose}
        onBusy={setBusy}
        onConnected={(mailbox) => {
          onConnected(mailbox);
          onClose();
        }}
      />
    </Dialog>
  );
}
