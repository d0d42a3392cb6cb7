// What the two forms that test credentials share (connect a mailbox, replace its credentials): the
// draft, the browser's own checks with the focus on the first problem, the server's refusal next to
// the field it is about (a failed SMTP or IMAP test, a named input), the dialog held open while the
// servers are tested, and the fields for both servers and the sign-in.
import type { UseMutationResult } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useRefusal } from '../workspaces/use-refusal.ts';
import {
  type ConnectDraft,
  type ConnectField,
  connectFieldOf,
  type FieldErrors,
  firstProblem,
} from './connect-model.ts';
import { AppPasswordNotice, CredentialFields } from './credential-fields.tsx';
import { EndpointFields, fieldId } from './endpoint-fields.tsx';
import { type MailboxAction, type MailboxProblem, mailboxActionError } from './mailbox-errors.ts';
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

type ServerDraft = Omit<ConnectDraft, 'email'>;

/**
 * The state of a credential form around its mutation: `submit` shows the problems the browser found
 * (focusing the first) or sends, and a refusal lands next to its field with the focus on it.
 */
export function useCredentialForm<D extends ServerDraft, V>({
  initial,
  action,
  mutation,
  onBusy,
}: {
  initial: () => D;
  action: MailboxAction;
  mutation: UseMutationResult<Mailbox, unknown, V>;
  /** The servers are being tested: the dialog waits (a closed form would hide the outcome). */
  onBusy: (busy: boolean) => void;
}) {
  const { idPrefix, focusField } = useFieldFocus();
  const [draft, setDraft] = useState<D>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const refusal = useRefusal((error) => mailboxActionError(error, action));
  const problem = refusal.problem(mutation);
  useEffect(() => onBusy(mutation.isPending), [mutation.isPending, onBusy]);
  return {
    idPrefix,
    draft,
    problem,
    busy: mutation.isPending,
    /** The browser's problems over the server's. */
    shown: { ...serverFieldErrors(problem), ...errors },
    change: (next: Partial<D>) => {
      setDraft((current) => ({ ...current, ...next }));
      if (mutation.isError) mutation.reset();
    },
    submit: (problems: FieldErrors, variables: () => V) => {
      if (mutation.isPending) return;
      setErrors(problems);
      const first = firstProblem(problems);
      if (first) return focusField(first);
      mutation.mutate(variables(), {
        onError: (error) => {
          refusal.onError(error);
          focusField(refusedField(mailboxActionError(error, action)));
        },
      });
    },
  };
}

/**
 * The form: the refusal, whatever comes first (the address), both servers, the sign-in, the progress
 * while testing, and the foot. Named `<name>`: `<name>-form`, `<name>-error`, `<name>-progress`,
 * `<name>-submit`.
 */
export function CredentialForm<D extends ServerDraft>({
  name,
  onSubmit,
  form,
  email,
  hostPlaceholder,
  label,
  onCancel,
  children,
}: {
  name: string;
  /** Checks the fields and sends (the page does not reload). */
  onSubmit: () => void;
  form: Pick<
    ReturnType<typeof useCredentialForm<D, unknown>>,
    'idPrefix' | 'draft' | 'problem' | 'shown' | 'change' | 'busy'
  >;
  /** The mailbox's address: the user name when none is typed. */
  email: string;
  hostPlaceholder: (protocol: 'smtp' | 'imap') => string;
  label: string;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const { idPrefix, draft, shown, change, busy } = form;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
      className="space-y-6"
      data-testid={`${name}-form`}
    >
      <ProblemAlert problem={form.problem} testId={`${name}-error`} />
      {children}
      {(['smtp', 'imap'] as const).map((protocol) => (
        <EndpointFields
          key={protocol}
          protocol={protocol}
          idPrefix={idPrefix}
          value={draft[protocol]}
          onChange={(endpoint) => change({ [protocol]: endpoint } as Partial<D>)}
          errors={shown}
          hostPlaceholder={hostPlaceholder(protocol)}
        />
      ))}
      <AppPasswordNotice />
      <CredentialFields
        idPrefix={idPrefix}
        email={email}
        username={draft.username}
        password={draft.password}
        onUsername={(username) => change({ username } as Partial<D>)}
        onPassword={(password) => change({ password } as Partial<D>)}
        errors={shown}
      />
      {busy ? <TestingProgress testId={`${name}-progress`} /> : null}
      <FormActions label={label} busy={busy} testId={`${name}-submit`} onCancel={onCancel} />
    </form>
  );
}
