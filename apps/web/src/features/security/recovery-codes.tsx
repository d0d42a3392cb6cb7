// The recovery codes, shown once: copy, download, and an explicit "I saved them" before leaving.
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { CheckboxField } from '../../components/field.tsx';
import { DownloadIcon } from '../../components/icons.tsx';
import { downloadText } from '../../lib/clipboard.ts';
import { formatRecoveryCode, recoveryCodesText } from './recovery-text.ts';

export function RecoveryCodes({
  codes,
  email,
  reason,
  onDone,
}: {
  codes: string[];
  email: string | undefined;
  reason: 'enabled' | 'regenerated';
  onDone: () => void;
}) {
  const [saved, setSaved] = useState(false);
  const [generatedAt] = useState(() => new Date());
  const text = recoveryCodesText(codes, email, generatedAt);
  return (
    <div data-testid="recovery-codes" className="space-y-5">
      <Alert
        tone={reason === 'enabled' ? 'success' : 'info'}
        title={reason === 'enabled' ? 'Two-factor authentication is on' : 'New recovery codes generated'}
      >
        {reason === 'enabled'
          ? 'Save these recovery codes now. If you lose your authenticator app, each code signs you in once.'
          : 'Your previous recovery codes no longer work. Save these ones instead.'}{' '}
        <strong className="font-semibold">They will not be shown again.</strong>
      </Alert>
      <ol
        aria-label="Recovery codes"
        className="grid grid-cols-1 gap-2 rounded-lg border border-slate-200 bg-slate-50 p-4 font-mono text-sm text-slate-900 sm:grid-cols-2"
      >
        {codes.map((code, index) => (
          <li
            key={code}
            className="flex items-center gap-3 rounded-md bg-white px-3 py-1.5 ring-1 ring-slate-200"
          >
            <span className="w-5 text-right text-xs text-slate-500 tabular-nums">{index + 1}.</span>
            <span data-testid="recovery-code" className="tracking-wide select-all">
              {formatRecoveryCode(code)}
            </span>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={text} label="Copy codes" testId="copy-codes" />
        <Button
          variant="secondary"
          data-testid="download-codes"
          onClick={() => downloadText('postern-recovery-codes.txt', text)}
        >
          <DownloadIcon className="size-4 text-slate-500" />
          Download .txt
        </Button>
      </div>
      <div className="flex flex-col gap-4 border-t border-slate-100 pt-5 sm:flex-row sm:items-center sm:justify-between">
        <CheckboxField testId="codes-saved" checked={saved} onChange={setSaved}>
          I have saved these recovery codes somewhere safe.
        </CheckboxField>
        <Button onClick={onDone} disabled={!saved} data-testid="codes-done">
          Done
        </Button>
      </div>
    </div>
  );
}
