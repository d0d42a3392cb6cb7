import type { ComponentType, ReactNode, SVGProps } from 'react';
import { cn } from '../lib/cn.ts';
import { Button } from './button.tsx';

/**
 * A placeholder for a list with nothing in it yet: quiet (grey icon), or `accent` where the empty list
 * is the first thing a new workspace sees and `extra` explains the feature (a snippet, how it works).
 */
export function EmptyState({
  icon: Icon,
  title,
  children,
  extra,
  action,
  accent = false,
  onClearFilters,
  testId,
  className,
}: {
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  children?: ReactNode;
  extra?: ReactNode;
  action?: ReactNode;
  accent?: boolean;
  /** A filtered list that came out empty: its way back to everything (replaces `action`). */
  onClearFilters?: (() => void) | undefined;
  testId?: string;
  /** A frame, where the empty state stands alone on a page instead of inside a card. */
  className?: string;
}) {
  const iconTone = accent ? 'bg-indigo-50 text-indigo-600' : 'bg-slate-100 text-slate-500';
  return (
    <div data-testid={testId} className={cn('flex flex-col items-center px-6 py-10 text-center', className)}>
      <div className={`flex size-11 items-center justify-center rounded-full ${iconTone}`}>
        <Icon className="size-5" />
      </div>
      <h3 className="mt-3 text-sm font-semibold text-slate-900">{title}</h3>
      {children ? <div className="mt-1 max-w-lg text-sm text-slate-500">{children}</div> : null}
      {extra ? <div className="mt-4 w-full max-w-xl">{extra}</div> : null}
      {onClearFilters ? (
        <Button variant="secondary" className="mt-4" onClick={onClearFilters}>
          Clear filters
        </Button>
      ) : action ? (
        <div className="mt-4 flex flex-wrap items-center justify-center gap-4 text-sm">{action}</div>
      ) : null}
    </div>
  );
}
