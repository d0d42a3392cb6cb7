import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

/** A titled panel of a settings page. */
export function Card({
  title,
  description,
  actions,
  children,
  testId,
  className,
  bodyClassName = 'px-5 py-5 sm:px-6',
  id,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  className?: string;
  /** Padding of the body; `p-0` for content that runs to the edges (tables). */
  bodyClassName?: string;
  id?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section
      id={id}
      aria-labelledby={headingId}
      data-testid={testId}
      className={cn('rounded-xl border border-slate-200 bg-white shadow-sm', className)}
    >
      <header className="flex flex-col gap-3 border-b border-slate-100 px-5 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {description ? <p className="mt-1 text-sm text-slate-500">{description}</p> : null}
        </div>
        {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
      </header>
      <div className={bodyClassName}>{children}</div>
    </section>
  );
}
