// Sign-in: email + password, then (when the account has it) the second factor (two-factor-step.tsx).
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { authPath, safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { CurrentPasswordField, EmailField, useEmailInput } from './account-fields.tsx';
import { AuthCard, AuthSwitch, LINK_CLASS } from './auth-layout.tsx';
import { SignInForm, useSignInStep } from './sign-in-lockout.tsx';
import { localDeadline, TwoFactorStep } from './two-factor-step.tsx';

/** Notices other pages hand to sign-in through navigation state. */
const NOTICES: Record<string, string> = {
  password_reset: 'Your password has been changed. Sign in with the new one.',
  signed_out: 'You have been signed out.',
};

type Step = { kind: 'password' } | { kind: 'two_factor'; challengeId: string; expiresAt: number | undefined };

export function SignInPage() {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const location = useLocation();
  const handedNotice = (location.state as { notice?: string } | null)?.notice;
  const [notice, setNotice] = useState<string | undefined>(handedNotice ? NOTICES[handedNotice] : undefined);
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const email = useEmailInput(params.get('email') ?? '');

  if (step.kind === 'two_factor') {
    return (
      <TwoFactorStep
        challengeId={step.challengeId}
        expiresAt={step.expiresAt}
        next={next}
        onRestart={(message) => {
          setNotice(message);
          setStep({ kind: 'password' });
        }}
      />
    );
  }
  return (
    <PasswordStep
      email={email}
      next={next}
      notice={notice}
      onTwoFactor={(challengeId, expiresAt) => {
        setNotice(undefined);
        setStep({ kind: 'two_factor', challengeId, expiresAt });
      }}
    />
  );
}

function PasswordStep({
  email,
  next,
  notice,
  onTwoFactor,
}: {
  email: ReturnType<typeof useEmailInput>;
  next: string;
  notice: string | undefined;
  onTwoFactor: (challengeId: string, expiresAt: number | undefined) => void;
}) {
  const trpc = useTRPC();
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const step = useSignInStep(next);
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: (result) => {
        if (result.status === 'signed_in') step.signedIn(result.user);
        else onTwoFactor(result.challengeId, localDeadline(result.expiresAt));
      },
      onError: (error) => {
        setPassword('');
        step.refused(error, 'Invalid email or password.');
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.check();
    setPasswordError(password ? undefined : 'Enter your password.');
    if (!address || !password) return;
    step.setFormError(undefined);
    signIn.mutate({ email: address, password });
  }

  return (
    <AuthCard
      title="Sign in to Postern"
      description="Welcome back. Enter your details to continue."
      testId="sign-in-form"
      footer={
        <AuthSwitch question="New to Postern?" to={authPath('/sign-up', next)} label="Create an account" />
      }
    >
      <SignInForm name="sign-in" step={step} submitLabel="Sign in" busy={signIn.isPending} onSubmit={submit}>
        {notice && !step.formError && !step.lockout.locked ? (
          <Alert tone="info" testId="sign-in-notice">
            {notice}
          </Alert>
        ) : null}
        <EmailField autoComplete="username" {...email.field} />
        <CurrentPasswordField
          value={password}
          onChange={setPassword}
          error={passwordError}
          corner={
            <Link to="/forgot-password" className={`text-xs ${LINK_CLASS}`}>
              Forgot password?
            </Link>
          }
        />
      </SignInForm>
    </AuthCard>
  );
}
