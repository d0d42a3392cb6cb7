// The proof every two-factor change needs: the password and, when asked, a current code.
import { ZTotpCode } from '@postern/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { PasswordField } from '../../components/field.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { CodeField } from '../auth/code-field.tsx';

/** Password (and, when asked, a current code): the proof every 2FA change needs. */
export function ProofForm({
  email,
  title,
  description,
  withCode,
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
  const [fieldErrors, setFieldErrors] = useState<{ password?: string; code?: string }>({});
  const errorText = error ? proofErrorText(error, withCode) : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = {
      password: password ? undefined : 'Enter your password.',
      code:
        !withCode || ZTotpCode.safeParse(code).success ? undefined : 'Enter the 6-digit code from your app.',
    };
    setFieldErrors(found);
    if (found.password || found.code) return;
    onSubmit({ password, code });
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
      <PasswordField
        label="Your password"
        name="password"
        autoComplete="current-password"
        testId={`${testId}-password`}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={fieldErrors.password}
        autoFocus
      />
      {withCode ? (
        <CodeField
          label="Authentication code"
          value={code}
          onChange={setCode}
          error={fieldErrors.code}
          hint="The current 6-digit code from your authenticator app."
          testId={`${testId}-code`}
        />
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

function proofErrorText(error: unknown, withCode: boolean): string {
  const code = errorCode(error);
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'BAD_REQUEST')
    return withCode ? 'The password or the code is not correct.' : 'That password is not correct.';
  return userMessage(error);
}
