// Sign-in: email + password, then (when the account has it) the second factor (two-factor-step.tsx).
import { ZEmail } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { PasswordField } from '../../components/field.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { EmailField } from './account-fields.tsx';
import { AuthCard, LINK_CLASS } from './auth-layout.tsx';
import { SignInProblem, useLockout } from './sign-in-lockout.tsx';
import { localDeadline, TwoFactorStep } from './two-factor-step.tsx';
import { useCompleteSignIn } from './use-session.ts';

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
  const [email, setEmail] = useState(params.get('email') ?? '');

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
      onEmailChange={setEmail}
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
  onEmailChange,
  next,
  notice,
  onTwoFactor,
}: {
  email: string;
  onEmailChange: (email: string) => void;
  next: string;
  notice: string | undefined;
  onTwoFactor: (challengeId: string, expiresAt: number | undefined) => void;
}) {
  const trpc = useTRPC();
  const completeSignIn = useCompleteSignIn();
  const [password, setPassword] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const [passwordError, setPasswordError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const lockout = useLockout();

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: (result) => {
        if (result.status === 'signed_in') completeSignIn(result.user, next);
        else onTwoFactor(result.challengeId, localDeadline(result.expiresAt));
      },
      onError: (error) => {
        setPassword('');
        if (lockout.record(error)) return setFormError(undefined);
        setFormError(
          errorCode(error) === 'UNAUTHENTICATED' ? 'Invalid email or password.' : userMessage(error),
        );
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsedEmail = ZEmail.safeParse(email);
    setEmailError(parsedEmail.success ? undefined : 'Enter a valid email address.');
    setPasswordError(password ? undefined : 'Enter your password.');
    if (!parsedEmail.success || !password) return;
    setFormError(undefined);
    signIn.mutate({ email: parsedEmail.data, password });
  }

  return (
    <AuthCard
      title="Sign in to Postern"
      description="Welcome back. Enter your details to continue."
      testId="sign-in-form"
      footer={
        <>
          New to Postern?{' '}
          <Link
            to={next === '/' ? '/sign-up' : `/sign-up?next=${encodeURIComponent(next)}`}
            className={LINK_CLASS}
          >
            Create an account
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="space-y-5">
        {notice && !formError && !lockout.locked ? (
          <Alert tone="info" testId="sign-in-notice">
            {notice}
          </Alert>
        ) : null}
        <SignInProblem secondsLeft={lockout.secondsLeft} formError={formError} testId="sign-in-error" />
        <EmailField autoComplete="username" value={email} onChange={onEmailChange} error={emailError} />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          testId="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={passwordError}
          required
          corner={
            <Link to="/forgot-password" className={`text-xs ${LINK_CLASS}`}>
              Forgot password?
            </Link>
          }
        />
        <Button
          type="submit"
          className="w-full"
          loading={signIn.isPending}
          disabled={lockout.locked}
          data-testid="sign-in-submit"
        >
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
