// The proof every two-factor change needs: the password and, when asked, a current code (or, where the
// server takes one, a recovery code instead: `allowRecovery`).
import { type FormEvent, type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { CurrentPasswordField } from '../auth/account-fields.tsx';
import { SecondFactorField } from '../auth/second-factor-field.tsx';
import { useMeQuery } from '../auth/use-session.ts';
import { type ProofCodeMode, proofCode } from './proof-code.ts';

const LINK_CLASS = 'text-sm font-medium text-indigo-700 hover:text-indigo-900';
const PROOF_HINTS = {
  totp: 'The current 6-digit code from your authenticator app.',
  recovery: 'One of the codes you saved when you turned on two-factor authentication. Each works once.',
};

/** Password (and, when asked, a current code): the proof every 2FA change needs. */
export function ProofForm({
  email,
  title,
  description,
  withCode,
  allowRecovery = false,
  submitLabel,
  danger = false,
  pending,
  error,
  onSubmit,
  onCancel,
  testId,
}: {
  email: string | undefined;
  title: string;
  description: ReactNode;
  withCode: boolean;
  /** The server also takes a recovery code: offer to switch to one. */
  allowRecovery?: boolean;
  submitLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (proof: { password: string; code: string }) => void;
  onCancel: () => void;
  testId: string;
}) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<ProofCodeMode>('totp');
  const [fieldErrors, setFieldErrors] = useState<{ password?: string; code?: string }>({});
  const errorText = error ? proofErrorText(error, withCode) : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    const second = withCode ? proofCode(mode, code) : { code: '' };
    const found = {
      password: password ? undefined : 'Enter your password.',
      code: 'problem' in second ? second.problem : undefined,
    };
    setFieldErrors(found);
    if (found.password || !('code' in second)) return;
    onSubmit({ password, code: second.code });
    setCode('');
  }

  return (
    <form noValidate onSubmit={submit} data-testid={testId} className="max-w-md space-y-5">
      <input type="text" name="username" autoComplete="username" value={email ?? ''} readOnly hidden />
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <p className="mt-1 text-sm text-slate-500">{description}</p>
      </div>
      {errorText ? <Alert tone="error">{errorText}</Alert> : null}
      <CurrentPasswordField
        label="Your password"
        testId={`${testId}-password`}
        value={password}
        onChange={setPassword}
        error={fieldErrors.password}
        autoFocus
      />
      {withCode ? (
        <SecondFactorField
          mode={mode}
          value={code}
          onChange={setCode}
          error={fieldErrors.code}
          testIds={{ totp: `${testId}-code`, recovery: `${testId}-code-recovery` }}
          hints={PROOF_HINTS}
        />
      ) : null}
      {withCode && allowRecovery ? (
        <button
          type="button"
          className={LINK_CLASS}
          data-testid={`${testId}-toggle-recovery`}
          onClick={() => {
            setMode((current) => (current === 'totp' ? 'recovery' : 'totp'));
            setCode('');
            setFieldErrors((current) => ({ ...current, code: undefined }));
          }}
        >
          {mode === 'totp' ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
        </button>
      ) : null}
      <div className="flex gap-2">
        <Button
          type="submit"
          variant={danger ? 'danger' : 'primary'}
          loading={pending}
          data-testid={`${testId}-submit`}
        >
          {submitLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** What a request confirmed by the signed-in person sends: the password, and the code when one was asked. */
export interface Proof {
  password: string;
  code?: string;
}

/**
 * A deletion (of the account, of a workspace) confirmed by the signed-in person: their password, and
 * when two-factor authentication is on a current code or a recovery code (they may have lost the app).
 */
export function DeletionProofForm({
  request,
  onProof,
  ...form
}: {
  title: string;
  description: ReactNode;
  submitLabel: string;
  /** The request's mutation: its progress and its refusal show in the form. */
  request: { isPending: boolean; error: unknown };
  onProof: (proof: Proof) => void;
  onCancel: () => void;
  testId: string;
}) {
  const me = useMeQuery();
  return (
    <ProofForm
      {...form}
      email={me.data?.email}
      withCode={Boolean(me.data?.twoFactorEnabled)}
      allowRecovery
      danger
      pending={request.isPending}
      error={request.error}
      onSubmit={({ password, code }) => onProof({ password, ...(code ? { code } : {}) })}
    />
  );
}

function proofErrorText(error: unknown, withCode: boolean): string {
  const code = errorCode(error);
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'BAD_REQUEST')
    return withCode ? 'The password or the code is not correct.' : 'That password is not correct.';
  return userMessage(error);
}
