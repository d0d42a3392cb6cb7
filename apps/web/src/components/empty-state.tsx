import type { ComponentType, ReactNode, SVGProps } from 'react';

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
  testId,
}: {
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  children?: ReactNode;
  extra?: ReactNode;
  action?: ReactNode;
  accent?: boolean;
  testId?: string;
}) {
  const iconTone = accent ? 'bg-indigo-50 text-indigo-600' : 'bg-slate-100 text-slate-500';
  return (
    <div data-testid={testId} className="flex flex-col items-center px-6 py-10 text-center">
      <div className={`flex size-11 items-center justify-center rounded-full ${iconTone}`}>
        <Icon className="size-5" />
      </div>
      <h3 className="mt-3 text-sm font-semibold text-slate-900">{title}</h3>
      {children ? <div className="mt-1 max-w-lg text-sm text-slate-500">{children}</div> : null}
      {extra ? <div className="mt-4 w-full max-w-xl">{extra}</div> : null}
      {action ? (
        <div className="mt-4 flex flex-wrap items-center justify-center gap-4 text-sm">{action}</div>
      ) : null}
    </div>
  );
}
