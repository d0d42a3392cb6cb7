// Turning two-factor on, after the password: scan the QR code (or type the key), then enter the first
// code the app shows; the server answers with the recovery codes.
import { ZTotpCode } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Notice } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { CodeField } from '../auth/code-field.tsx';
import { groupSecret } from './recovery-text.ts';

export function ScanStep({
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
            <Notice tone="error" testId="activate-error">
              {activateError}
            </Notice>
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
