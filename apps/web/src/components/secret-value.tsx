// A secret (API key, signing secret) on screen: monospace, selectable, with a copy button.
import { cn } from '../lib/cn.ts';
import { CopyButton } from './copy-button.tsx';

export function SecretValue({
  secret,
  testId,
  className,
  copyLabel = 'Copy secret',
  copyTestId,
}: {
  secret: string;
  testId?: string;
  className?: string;
  copyLabel?: string;
  copyTestId?: string;
}) {
  return (
    <div className={cn('flex flex-col gap-2 sm:flex-row sm:items-center', className)}>
      <code
        data-testid={testId}
        className="min-w-0 flex-1 rounded-lg bg-slate-100 px-3 py-2.5 font-mono text-sm break-all text-slate-900 ring-1 ring-slate-200 select-all"
      >
        {secret}
      </code>
      <CopyButton text={secret} label={copyLabel} testId={copyTestId ?? (testId && `${testId}-copy`)} />
    </div>
  );
}
