import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

export type BadgeTone = 'slate' | 'indigo' | 'emerald' | 'amber' | 'rose' | 'violet' | 'sky';

const TONES: Record<BadgeTone, { badge: string; dot: string }> = {
  slate: { badge: 'bg-slate-100 text-slate-700 ring-slate-500/20', dot: 'bg-slate-400' },
  indigo: { badge: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20', dot: 'bg-indigo-500' },
  emerald: { badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', dot: 'bg-emerald-500' },
  amber: { badge: 'bg-amber-50 text-amber-800 ring-amber-600/25', dot: 'bg-amber-500' },
  rose: { badge: 'bg-rose-50 text-rose-700 ring-rose-600/20', dot: 'bg-rose-500' },
  violet: { badge: 'bg-violet-50 text-violet-700 ring-violet-600/20', dot: 'bg-violet-500' },
  sky: { badge: 'bg-sky-50 text-sky-700 ring-sky-600/20', dot: 'bg-sky-500' },
};

/** A small pill, optionally with a coloured dot. */
export function Badge({
  tone = 'slate',
  dot = false,
  children,
  testId,
  className,
  title,
}: {
  tone?: BadgeTone;
  dot?: boolean;
  children: ReactNode;
  testId?: string;
  className?: string;
  title?: string;
}) {
  const style = TONES[tone];
  return (
    <span
      data-testid={testId}
      title={title}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        style.badge,
        className,
      )}
    >
      {dot ? <span aria-hidden="true" className={cn('size-1.5 rounded-full', style.dot)} /> : null}
      {children}
    </span>
  );
}
