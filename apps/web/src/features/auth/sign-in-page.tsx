// Sign-in: email + password, then (when the account has it) the second factor: a 6-digit code from the
// authenticator app, or one of the recovery codes.
import { ZEmail, ZRecoveryCode, ZTotpCode } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Field, PasswordField } from '../../components/field.tsx';
import { ArrowLeftIcon, ShieldIcon } from '../../components/icons.tsx';
import { errorCode, formatWait, retryAfterSeconds, userMessage } from '../../lib/api-errors.ts';
import { safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSecondsLeft } from '../../lib/use-now.ts';
import { AuthCard, LINK_CLASS } from './auth-layout.tsx';
import { CodeField } from './code-field.tsx';
import { useCompleteSignIn } from './use-session.ts';

/** Notices other pages hand to sign-in through navigation state. */
const NOTICES: Record<string, string> = {
  password_reset: 'Your password has been changed. Sign in with the new one.',
  signed_out: 'You have been signed out.',
};

type Step = { kind: 'password' } | { kind: 'two_factor'; challengeId: string; expiresAt: number | undefined };

/** The challenge's deadline on this machine's clock; none when the clocks disagree too much to tell. */
function localDeadline(expiresAt: string): number | undefined {
  const left = Date.parse(expiresAt) - Date.now();
  return left > 0 && left <= 3_600_000 ? Date.now() + left : undefined;
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A RATE_LIMITED answer: the time until which trying again is pointless. */
function useLockout() {
  const [until, setUntil] = useState<number>();
  const secondsLeft = useSecondsLeft(until);
  return {
    secondsLeft,
    locked: secondsLeft > 0,
    /** True when the error was a rate limit (and the lockout is now shown). */
    record(error: unknown): boolean {
      if (errorCode(error) !== 'RATE_LIMITED') return false;
      setUntil(Date.now() + (retryAfterSeconds(error) ?? 30) * 1000);
      return true;
    },
  };
}

function LockoutAlert({ secondsLeft }: { secondsLeft: number }) {
  return (
    <Alert tone="warning" title="Too many attempts" testId="rate-limited">
      For your security, sign-in is paused. Try again in{' '}
      <span className="font-medium tabular-nums" data-testid="retry-after">
        {formatWait(secondsLeft)}
      </span>
      .
    </Alert>
  );
}

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
        {lockout.locked ? <LockoutAlert secondsLeft={lockout.secondsLeft} /> : null}
        {formError && !lockout.locked ? (
          <Alert tone="error" testId="sign-in-error">
            {formError}
          </Alert>
        ) : null}
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="username"
          testId="email"
          value={email}
          onChange={(event) => onEmailChange(event.target.value)}
          error={emailError}
          required
        />
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

function TwoFactorStep({
  challengeId,
  expiresAt,
  next,
  onRestart,
}: {
  challengeId: string;
  expiresAt: number | undefined;
  next: string;
  onRestart: (message?: string) => void;
}) {
  const trpc = useTRPC();
  const completeSignIn = useCompleteSignIn();
  const [mode, setMode] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const lockout = useLockout();
  const expiresIn = useSecondsLeft(expiresAt);

  useEffect(() => {
    if (expiresAt !== undefined && expiresIn === 0)
      onRestart('Your sign-in attempt timed out. Enter your password again.');
  }, [expiresAt, expiresIn, onRestart]);

  const verify = useMutation(
    trpc.auth.verifyTwoFactor.mutationOptions({
      onSuccess: (result) => {
        if (result.status === 'signed_in') completeSignIn(result.user, next);
      },
      onError: (error) => {
        setCode('');
        setRecoveryCode('');
        const code = errorCode(error);
        if (code === 'BAD_REQUEST') {
          onRestart('Your sign-in attempt expired or had too many tries. Enter your password again.');
          return;
        }
        if (lockout.record(error)) return setFormError(undefined);
        if (code === 'UNAUTHENTICATED') {
          setFormError(
            mode === 'totp'
              ? 'That code is not valid. Check your authenticator app and try again.'
              : 'That recovery code is not valid or has already been used.',
          );
          return;
        }
        setFormError(userMessage(error));
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    if (mode === 'totp') {
      const parsed = ZTotpCode.safeParse(code);
      if (!parsed.success) return setFieldError('Enter the 6-digit code from your authenticator app.');
      setFieldError(undefined);
      verify.mutate({ challengeId, code: parsed.data });
    } else {
      const parsed = ZRecoveryCode.safeParse(recoveryCode);
      if (!parsed.success)
        return setFieldError('Enter one of your recovery codes, e.g. ABCD-EFGH-IJKL-MNOP.');
      setFieldError(undefined);
      verify.mutate({ challengeId, recoveryCode: parsed.data });
    }
  }

  function switchMode() {
    setMode((current) => (current === 'totp' ? 'recovery' : 'totp'));
    setFieldError(undefined);
    setFormError(undefined);
  }

  return (
    <AuthCard
      title="Two-factor authentication"
      testId="two-factor-form"
      description={
        mode === 'totp'
          ? 'Open your authenticator app and enter the 6-digit code for Postern.'
          : 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.'
      }
      footer={
        <button
          type="button"
          onClick={() => onRestart()}
          className={`inline-flex items-center gap-1.5 ${LINK_CLASS}`}
        >
          <ArrowLeftIcon className="size-4" />
          Sign in with a different account
        </button>
      }
    >
      <form noValidate onSubmit={submit} className="space-y-5">
        <div className="flex items-center gap-3 rounded-lg bg-slate-50 px-3.5 py-3 text-sm text-slate-600">
          <ShieldIcon className="size-5 shrink-0 text-indigo-600" />
          <span>
            Your password was correct.
            {expiresAt !== undefined ? (
              <>
                {' '}
                This step expires in{' '}
                <span className="font-medium tabular-nums text-slate-900" data-testid="challenge-expires">
                  {clock(expiresIn)}
                </span>
                .
              </>
            ) : null}
          </span>
        </div>
        {lockout.locked ? <LockoutAlert secondsLeft={lockout.secondsLeft} /> : null}
        {formError && !lockout.locked ? (
          <Alert tone="error" testId="two-factor-error">
            {formError}
          </Alert>
        ) : null}
        {mode === 'totp' ? (
          <CodeField
            label="Authentication code"
            value={code}
            onChange={setCode}
            error={fieldError}
            testId="totp-code"
            autoFocus
          />
        ) : (
          <Field
            label="Recovery code"
            name="recoveryCode"
            testId="recovery-code-input"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="XXXX-XXXX-XXXX-XXXX"
            className="[&_input]:font-mono"
            value={recoveryCode}
            onChange={(event) => setRecoveryCode(event.target.value)}
            error={fieldError}
            autoFocus
          />
        )}
        <Button
          type="submit"
          className="w-full"
          loading={verify.isPending}
          disabled={lockout.locked}
          data-testid="two-factor-submit"
        >
          Verify and sign in
        </Button>
        <p className="text-center text-sm">
          <button type="button" onClick={switchMode} className={LINK_CLASS} data-testid="toggle-recovery">
            {mode === 'totp' ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
          </button>
        </p>
      </form>
    </AuthCard>
  );
}
