// Sign-in's second step, when the account has two-factor authentication: a 6-digit code from the
// authenticator app, or one of the recovery codes. The challenge expires; then sign-in starts over.
import { ZRecoveryCode, ZTotpCode } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ArrowLeftIcon, ShieldIcon } from '../../components/icons.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useSecondsLeft } from '../../lib/use-now.ts';
import { AuthCard, LINK_CLASS } from './auth-layout.tsx';
import { SecondFactorField } from './second-factor-field.tsx';
import { SignInForm, useSignInStep } from './sign-in-lockout.tsx';

type Mode = 'totp' | 'recovery';

const DESCRIPTION: Record<Mode, string> = {
  totp: 'Open your authenticator app and enter the 6-digit code for Postern.',
  recovery:
    'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.',
};

/** The challenge's deadline on this machine's clock; none when the clocks disagree too much to tell. */
export function localDeadline(expiresAt: string): number | undefined {
  const left = Date.parse(expiresAt) - Date.now();
  return left > 0 && left <= 3_600_000 ? Date.now() + left : undefined;
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Seconds left of the challenge; when they run out, sign-in starts over. */
function useChallengeExpiry(expiresAt: number | undefined, onRestart: (message?: string) => void): number {
  const expiresIn = useSecondsLeft(expiresAt);
  useEffect(() => {
    if (expiresAt !== undefined && expiresIn === 0)
      onRestart('Your sign-in attempt timed out. Enter your password again.');
  }, [expiresAt, expiresIn, onRestart]);
  return expiresIn;
}

/**
 * Sends the code; a refusal clears it (`onRefused`) and becomes the message the step shows (or a
 * restart, or the lockout).
 */
function useVerifyTwoFactor(
  mode: Mode,
  next: string,
  onRestart: (message?: string) => void,
  onRefused: () => void,
) {
  const trpc = useTRPC();
  const step = useSignInStep(next);
  const verify = useMutation(
    trpc.auth.verifyTwoFactor.mutationOptions({
      onSuccess: (result) => {
        if (result.status === 'signed_in') step.signedIn(result.user);
      },
      onError: (error) => {
        onRefused();
        if (errorCode(error) === 'BAD_REQUEST')
          return onRestart('Your sign-in attempt expired or had too many tries. Enter your password again.');
        step.refused(
          error,
          mode === 'totp'
            ? 'That code is not valid. Check your authenticator app and try again.'
            : 'That recovery code is not valid or has already been used.',
        );
      },
    }),
  );
  return { verify, step };
}

function ChallengeNotice({ expiresIn, expires }: { expiresIn: number; expires: boolean }) {
  return (
    <div className="flex items-center gap-3 rounded-lg bg-slate-50 px-3.5 py-3 text-sm text-slate-600">
      <ShieldIcon className="size-5 shrink-0 text-indigo-600" />
      <span>
        Your password was correct.
        {expires ? (
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
  );
}

export function TwoFactorStep({
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
  const [mode, setMode] = useState<Mode>('totp');
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const { verify, step } = useVerifyTwoFactor(mode, next, onRestart, () => setCode(''));
  const expiresIn = useChallengeExpiry(expiresAt, onRestart);

  function submit(event: FormEvent) {
    event.preventDefault();
    step.setFormError(undefined);
    const parsed = (mode === 'totp' ? ZTotpCode : ZRecoveryCode).safeParse(code);
    setFieldError(
      parsed.success
        ? undefined
        : mode === 'totp'
          ? 'Enter the 6-digit code from your authenticator app.'
          : 'Enter one of your recovery codes, e.g. ABCD-EFGH-IJKL-MNOP.',
    );
    if (!parsed.success) return;
    verify.mutate(
      mode === 'totp' ? { challengeId, code: parsed.data } : { challengeId, recoveryCode: parsed.data },
    );
  }

  function switchMode() {
    setMode((current) => (current === 'totp' ? 'recovery' : 'totp'));
    setCode('');
    setFieldError(undefined);
    step.setFormError(undefined);
  }

  return (
    <AuthCard
      title="Two-factor authentication"
      testId="two-factor-form"
      description={DESCRIPTION[mode]}
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
      <SignInForm
        name="two-factor"
        step={step}
        submitLabel="Verify and sign in"
        busy={verify.isPending}
        onSubmit={submit}
        after={
          <p className="text-center text-sm">
            <button type="button" onClick={switchMode} className={LINK_CLASS} data-testid="toggle-recovery">
              {mode === 'totp' ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
            </button>
          </p>
        }
      >
        <ChallengeNotice expiresIn={expiresIn} expires={expiresAt !== undefined} />
        <SecondFactorField
          mode={mode}
          value={code}
          onChange={setCode}
          error={fieldError}
          testIds={{ totp: 'totp-code', recovery: 'recovery-code-input' }}
          autoFocus
        />
      </SignInForm>
    </AuthCard>
  );
}
