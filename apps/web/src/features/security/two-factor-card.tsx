// Two-factor authentication: enrol (password → QR code + secret → first code → recovery codes),
// regenerate recovery codes, disable.
import { ZTotpCode } from '@postern/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { PasswordField } from '../../components/field.tsx';
import { KeyIcon, ShieldIcon } from '../../components/icons.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { cn } from '../../lib/cn.ts';
import { ME_QUERY_KEY, useTRPC } from '../../lib/trpc.ts';
import { CodeField } from '../auth/code-field.tsx';
import { RecoveryCodes } from './recovery-codes.tsx';
import { groupSecret } from './recovery-text.ts';

type View =
  | { kind: 'idle'; notice?: string }
  | { kind: 'enrol-password' }
  | { kind: 'enrol-scan'; secret: string; otpauthUri: string; qrCodeDataUrl: string }
  | { kind: 'codes'; codes: string[]; reason: 'enabled' | 'regenerated' }
  | { kind: 'disable' }
  | { kind: 'regenerate' };

export interface TwoFactorOverview {
  twoFactorEnabled: boolean;
  recoveryCodesRemaining: number;
}

function StateBadge({ enabled }: { enabled: boolean }) {
  return (
    <span
      data-testid="two-factor-state"
      data-enabled={enabled}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset',
        enabled
          ? 'bg-emerald-50 text-emerald-700 ring-emerald-600/20'
          : 'bg-slate-100 text-slate-600 ring-slate-500/20',
      )}
    >
      <span
        aria-hidden="true"
        className={cn('size-1.5 rounded-full', enabled ? 'bg-emerald-500' : 'bg-slate-400')}
      />
      {enabled ? 'On' : 'Off'}
    </span>
  );
}

/** Password (and, when asked, a current code): the proof every 2FA change needs. */
function ProofForm({
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

function ScanStep({
  secret,
  otpauthUri,
  qrCodeDataUrl,
  onActivated,
  onCancel,
}: {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
  onActivated: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const activate = useMutation(
    trpc.account.activateTwoFactor.mutationOptions({
      onSuccess: (result) => onActivated(result.codes),
      onError: () => setCode(''),
    }),
  );
  const activateError = activate.isError
    ? ['UNAUTHENTICATED', 'BAD_REQUEST', 'VALIDATION_FAILED'].includes(errorCode(activate.error) ?? '')
      ? 'That code did not match. Make sure the time on your phone is correct, then enter the newest code.'
      : userMessage(activate.error)
    : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = ZTotpCode.safeParse(code);
    setFieldError(parsed.success ? undefined : 'Enter the 6-digit code shown in your app.');
    if (parsed.success) activate.mutate({ code: parsed.data });
  }

  return (
    <div data-testid="two-factor-setup" className="space-y-6">
      <ol className="grid gap-6 lg:grid-cols-[auto_1fr]">
        <li className="flex flex-col items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 lg:items-start">
          <p className="text-sm font-medium text-slate-900">1. Scan this QR code</p>
          <img
            src={qrCodeDataUrl}
            alt="QR code to add Postern to your authenticator app"
            data-testid="totp-qr"
            width={192}
            height={192}
            className="size-48 rounded-lg bg-white ring-1 ring-slate-200"
          />
          <a
            href={otpauthUri}
            className="text-xs font-medium text-indigo-600 hover:text-indigo-500 lg:hidden"
          >
            Open in an authenticator app on this device
          </a>
        </li>
        <li className="min-w-0 space-y-5">
          <div>
            <p className="text-sm font-medium text-slate-900">2. Or enter this key by hand</p>
            <p className="mt-1 text-xs text-slate-500">
              Choose "time-based" if your app asks; the account name can be anything.
            </p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code
                data-testid="totp-secret"
                data-secret={secret}
                className="rounded-lg bg-slate-100 px-3 py-2 font-mono text-sm tracking-wider break-all text-slate-900 select-all"
              >
                {groupSecret(secret)}
              </code>
              <CopyButton text={secret} label="Copy key" testId="copy-secret" />
            </div>
          </div>
          <form noValidate onSubmit={submit} className="max-w-xs space-y-4">
            <p className="text-sm font-medium text-slate-900">3. Enter the code your app shows</p>
            {activateError ? (
              <Alert tone="error" testId="activate-error">
                {activateError}
              </Alert>
            ) : null}
            <CodeField
              label="Authentication code"
              value={code}
              onChange={setCode}
              error={fieldError}
              testId="activate-code"
            />
            <div className="flex gap-2">
              <Button type="submit" loading={activate.isPending} data-testid="activate-submit">
                Turn on
              </Button>
              <Button variant="secondary" onClick={onCancel} disabled={activate.isPending}>
                Cancel
              </Button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

export function TwoFactorCard({
  overview,
  email,
}: {
  overview: TwoFactorOverview | undefined;
  email: string | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>({ kind: 'idle' });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.account.security.queryKey() });
    void queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY });
  };

  const enrol = useMutation(
    trpc.account.enrolTwoFactor.mutationOptions({
      onSuccess: (result) => setView({ kind: 'enrol-scan', ...result }),
    }),
  );
  const disable = useMutation(
    trpc.account.disableTwoFactor.mutationOptions({
      onSuccess: () => {
        refresh();
        setView({
          kind: 'idle',
          notice: 'Two-factor authentication is off. Your recovery codes no longer work.',
        });
      },
    }),
  );
  const regenerate = useMutation(
    trpc.account.regenerateRecoveryCodes.mutationOptions({
      onSuccess: (result) => {
        refresh();
        setView({ kind: 'codes', codes: result.codes, reason: 'regenerated' });
      },
    }),
  );

  const enabled = overview?.twoFactorEnabled ?? false;
  const idle = () => {
    enrol.reset();
    disable.reset();
    regenerate.reset();
    setView({ kind: 'idle' });
  };

  let body: ReactNode;
  if (!overview) {
    body = (
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-4 w-3/4" />
        <Skeleton className="h-9 w-56" />
      </div>
    );
  } else if (view.kind === 'enrol-password') {
    body = (
      <ProofForm
        email={email}
        testId="enrol"
        title="Confirm it is you"
        description="Enter your password to start setting up an authenticator app."
        withCode={false}
        submitLabel="Continue"
        pending={enrol.isPending}
        error={enrol.error}
        onSubmit={({ password }) => enrol.mutate({ password })}
        onCancel={idle}
      />
    );
  } else if (view.kind === 'enrol-scan') {
    body = (
      <ScanStep
        secret={view.secret}
        otpauthUri={view.otpauthUri}
        qrCodeDataUrl={view.qrCodeDataUrl}
        onActivated={(codes) => {
          refresh();
          setView({ kind: 'codes', codes, reason: 'enabled' });
        }}
        onCancel={idle}
      />
    );
  } else if (view.kind === 'codes') {
    body = <RecoveryCodes codes={view.codes} email={email} reason={view.reason} onDone={idle} />;
  } else if (view.kind === 'disable') {
    body = (
      <ProofForm
        email={email}
        testId="disable"
        title="Turn off two-factor authentication"
        description="Your account will be protected by your password only, and your recovery codes will stop working."
        withCode
        danger
        submitLabel="Turn off"
        pending={disable.isPending}
        error={disable.error}
        onSubmit={(proof) => disable.mutate(proof)}
        onCancel={idle}
      />
    );
  } else if (view.kind === 'regenerate') {
    body = (
      <ProofForm
        email={email}
        testId="regenerate"
        title="Generate new recovery codes"
        description="You get 10 new codes; every code you have now stops working."
        withCode
        submitLabel="Generate new codes"
        pending={regenerate.isPending}
        error={regenerate.error}
        onSubmit={(proof) => regenerate.mutate(proof)}
        onCancel={idle}
      />
    );
  } else if (enabled) {
    const remaining = overview.recoveryCodesRemaining;
    body = (
      <div className="space-y-5">
        {view.notice ? <Alert tone="success">{view.notice}</Alert> : null}
        <div className="flex items-start gap-3">
          <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-emerald-50 text-emerald-600">
            <ShieldIcon className="size-5" />
          </div>
          <div>
            <p className="text-sm font-medium text-slate-900">Authenticator app</p>
            <p className="text-sm text-slate-500">
              Sign-in asks for a code from your app after your password.
            </p>
          </div>
        </div>
        <div className="flex items-start gap-3">
          <div
            className={cn(
              'flex size-10 shrink-0 items-center justify-center rounded-lg',
              remaining <= 3 ? 'bg-amber-50 text-amber-600' : 'bg-slate-100 text-slate-600',
            )}
          >
            <KeyIcon className="size-5" />
          </div>
          <div>
            <p className="text-sm font-medium text-slate-900">Recovery codes</p>
            <p className="text-sm text-slate-500">
              <span data-testid="recovery-remaining" className="font-medium text-slate-900 tabular-nums">
                {remaining}
              </span>{' '}
              of 10 remaining.
              {remaining <= 3 ? ' Generate new ones before you run out.' : ''}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap gap-2 border-t border-slate-100 pt-5">
          <Button
            variant="secondary"
            onClick={() => setView({ kind: 'regenerate' })}
            data-testid="regenerate-codes"
          >
            Regenerate recovery codes
          </Button>
          <Button
            variant="ghost"
            className="text-rose-600 hover:bg-rose-50 hover:text-rose-700"
            onClick={() => setView({ kind: 'disable' })}
            data-testid="disable-2fa"
          >
            Turn off
          </Button>
        </div>
      </div>
    );
  } else {
    body = (
      <div className="space-y-5">
        {view.notice ? <Alert tone="success">{view.notice}</Alert> : null}
        <p className="max-w-2xl text-sm text-slate-600">
          Add a second step to sign-in: after your password, enter a code from an authenticator app such as
          1Password, Google Authenticator, Microsoft Authenticator or Authy. A stolen password alone is then
          not enough to get into your account.
        </p>
        <Button onClick={() => setView({ kind: 'enrol-password' })} data-testid="enable-2fa">
          <ShieldIcon className="size-4" />
          Enable two-factor authentication
        </Button>
      </div>
    );
  }

  return (
    <Card
      id="two-factor"
      testId="two-factor-card"
      title="Two-factor authentication"
      description="A code from your phone at every sign-in."
      actions={overview ? <StateBadge enabled={enabled || view.kind === 'codes'} /> : null}
    >
      {body}
    </Card>
  );
}
