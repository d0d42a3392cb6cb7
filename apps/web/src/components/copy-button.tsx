import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';
import { Button, type ButtonVariant } from './button.tsx';
import { CheckIcon, CopyIcon } from './icons.tsx';

/** Copies `text` and says so for two seconds (announced to screen readers). */
export function CopyButton({
  text,
  label = 'Copy',
  variant = 'secondary',
  testId,
  className,
}: {
  text: string;
  label?: string;
  variant?: ButtonVariant;
  testId?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <Button
      variant={variant}
      className={className}
      data-testid={testId}
      onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
    >
      {state === 'copied' ? (
        <CheckIcon className="size-4 text-emerald-600" />
      ) : (
        <CopyIcon className="size-4 text-slate-500" />
      )}
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
      </span>
    </Button>
  );
}
