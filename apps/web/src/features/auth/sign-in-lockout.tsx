// Sign-in's back-off, shared by its password and code steps: after a RATE_LIMITED answer, the form says
// how long to wait and stays disabled until then.
import type { User } from '@postern/contracts';
import { type ComponentProps, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { errorCode, formatWait, retryAfterSeconds, userMessage } from '../../lib/api-errors.ts';
import { useSecondsLeft } from '../../lib/use-now.ts';
import { AuthForm } from './auth-layout.tsx';
import { useCompleteSignIn } from './use-session.ts';

/** A RATE_LIMITED answer: the time until which trying again is pointless. */
export function useLockout() {
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

export function LockoutAlert({ secondsLeft }: { secondsLeft: number }) {
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

/** The lockout when there is one, else the form's own error (if any). */
export function SignInProblem({
  secondsLeft,
  formError,
  testId,
}: {
  secondsLeft: number;
  formError: string | undefined;
  testId: string;
}) {
  if (secondsLeft > 0) return <LockoutAlert secondsLeft={secondsLeft} />;
  if (!formError) return null;
  return (
    <Alert tone="error" testId={testId}>
      {formError}
    </Alert>
  );
}

/**
 * What a sign-in step (password or second factor) does with its answer: a signed-in user goes on to
 * `next`; a refusal becomes the lockout, the step's own words for a wrong secret, or the server's.
 */
export function useSignInStep(next: string) {
  const completeSignIn = useCompleteSignIn();
  const [formError, setFormError] = useState<string>();
  const lockout = useLockout();
  return {
    formError,
    setFormError,
    lockout,
    signedIn: (user: User) => completeSignIn(user, next),
    refused(error: unknown, wrongSecret: string) {
      if (lockout.record(error)) return setFormError(undefined);
      setFormError(errorCode(error) === 'UNAUTHENTICATED' ? wrongSecret : userMessage(error));
    },
  };
}

/** The form of a sign-in step: the lockout or the step's error on top; no submitting until it ends. */
export function SignInForm({
  step,
  children,
  ...form
}: Omit<ComponentProps<typeof AuthForm>, 'disabled' | 'error'> & { step: ReturnType<typeof useSignInStep> }) {
  const { lockout, formError } = step;
  return (
    <AuthForm {...form} disabled={lockout.locked}>
      <SignInProblem secondsLeft={lockout.secondsLeft} formError={formError} testId={`${form.name}-error`} />
      {children}
    </AuthForm>
  );
}
