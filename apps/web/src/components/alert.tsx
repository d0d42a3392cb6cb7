import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';
import { AlertTriangleIcon, CheckCircleIcon, InfoIcon, XCircleIcon } from './icons.tsx';

type Tone = 'error' | 'success' | 'info' | 'warning';

const TONES: Record<Tone, { frame: string; icon: typeof InfoIcon; iconClass: string }> = {
  error: { frame: 'border-rose-200 bg-rose-50 text-rose-800', icon: XCircleIcon, iconClass: 'text-rose-500' },
  success: {
    frame: 'border-emerald-200 bg-emerald-50 text-emerald-800',
    icon: CheckCircleIcon,
    iconClass: 'text-emerald-500',
  },
  info: {
    frame: 'border-indigo-200 bg-indigo-50 text-indigo-800',
    icon: InfoIcon,
    iconClass: 'text-indigo-500',
  },
  warning: {
    frame: 'border-amber-200 bg-amber-50 text-amber-900',
    icon: AlertTriangleIcon,
    iconClass: 'text-amber-500',
  },
};

/** A message box. Errors are announced (role=alert), the others politely (role=status). */
export function Alert({
  tone,
  title,
  children,
  testId,
  className,
}: {
  tone: Tone;
  title?: ReactNode;
  children?: ReactNode;
  testId?: string;
  className?: string;
}) {
  const style = TONES[tone];
  const Icon = style.icon;
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={cn('flex items-start gap-3 rounded-lg border px-3.5 py-3 text-sm', style.frame, className)}
    >
      <Icon className={cn('mt-0.5 size-5 shrink-0', style.iconClass)} />
      <div className="min-w-0 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className="leading-relaxed">{children}</div> : null}
      </div>
    </div>
  );
}

/** A refusal worded for people (`{ title, message }`), or nothing while there is none. */
export function ProblemAlert({
  problem,
  testId,
  className,
}: {
  problem: { title: string; message: string } | undefined;
  testId?: string;
  className?: string;
}) {
  if (!problem) return null;
  return (
    <Alert tone="error" title={problem.title} testId={testId} className={className}>
      {problem.message}
    </Alert>
  );
}

/** A message box shown only while there is something to say (a success notice by default). */
export function Notice({
  children,
  testId,
  tone = 'success',
}: {
  children: ReactNode;
  testId?: string;
  tone?: Tone;
}) {
  if (!children) return null;
  return (
    <Alert tone={tone} testId={testId}>
      {children}
    </Alert>
  );
}

/** A one-line error next to what failed (inside a dialog, a banner, a popover), or nothing. */
export function InlineError({
  children,
  className,
  testId,
}: {
  children: ReactNode;
  className?: string;
  testId?: string | undefined;
}) {
  if (!children) return null;
  return (
    <p role="alert" data-testid={testId} className={cn('text-sm text-rose-600', className)}>
      {children}
    </p>
  );
}
