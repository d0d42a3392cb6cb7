// The page of the emailed reset link: choose a new password. It does not sign in: sign-in follows.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { apiErrorData, userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { ConfirmPasswordField, NewPasswordField } from './account-fields.tsx';
import { AuthCard, AuthForm, LINK_CLASS } from './auth-layout.tsx';
import { passwordAcceptable } from './password-rules.ts';
import { useServerRules } from './use-server-rules.ts';

/** A refusal that means the link itself is no good (unknown, used, expired or mangled token). */
function isBadLink(error: unknown): boolean {
  const data = apiErrorData(error);
  if (!data) return false;
  if (data.code === 'VALIDATION_FAILED') return data.issues?.some((issue) => issue.path === 'token') ?? false;
  return data.code === 'BAD_REQUEST' || data.code === 'NOT_FOUND' || data.code === 'UNAUTHENTICATED';
}

function InvalidLink() {
  return (
    <AuthCard
      title="This link cannot be used"
      testId="reset-link-invalid"
      footer={
        <Link to="/sign-in" className={LINK_CLASS}>
          Back to sign in
        </Link>
      }
    >
      <p className="text-sm text-slate-600">
        Password reset links work once and expire after a while. Request a new one and use the latest email.
      </p>
      <Link to="/forgot-password" className={buttonClass('primary', 'mt-6 w-full')}>
        Request a new link
      </Link>
    </AuthCard>
  );
}

export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const [confirmError, setConfirmError] = useState<string>();
  const [badLink, setBadLink] = useState(false);
  const [serverRules, recordServerRules] = useServerRules(password);

  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: () => navigate('/sign-in', { replace: true, state: { notice: 'password_reset' } }),
      onError: (error, variables) => {
        if (recordServerRules(variables.newPassword, error)) setPasswordError('Choose a stronger password.');
        else if (isBadLink(error)) setBadLink(true);
      },
    }),
  );

  if (!token || badLink) return <InvalidLink />;

  function submit(event: FormEvent) {
    event.preventDefault();
    const ok = passwordAcceptable(password);
    setPasswordError(ok ? undefined : 'Your password does not meet all the requirements yet.');
    setConfirmError(confirm === password ? undefined : 'The two passwords do not match.');
    if (ok && confirm === password) reset.mutate({ token, newPassword: password });
  }

  const otherError = reset.isError && !serverRules.length && !badLink ? userMessage(reset.error) : undefined;

  return (
    <AuthCard
      title="Choose a new password"
      description="Pick a password you do not use anywhere else. You will sign in with it next."
      testId="reset-password-form"
    >
      <AuthForm
        name="reset-password"
        submitLabel="Set new password"
        busy={reset.isPending}
        error={otherError}
        onSubmit={submit}
      >
        <NewPasswordField
          value={password}
          onChange={setPassword}
          error={passwordError}
          serverFailed={serverRules}
        />
        <ConfirmPasswordField value={confirm} onChange={setConfirm} error={confirmError} />
      </AuthForm>
    </AuthCard>
  );
}
