import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

/** One fact in a details panel's <dl>: its name, then its value (side by side from 640 px). */
export function DetailRow({
  label,
  children,
  testId,
  className,
}: {
  label: string;
  children: ReactNode;
  testId?: string | undefined;
  className?: string;
}) {
  return (
    <div className={cn('grid gap-1 py-3 sm:grid-cols-[8rem_minmax(0,1fr)] sm:gap-4', className)}>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** "Nothing here" in a details panel. */
export const NONE = <span className="text-slate-500">—</span>;
