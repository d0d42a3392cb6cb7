import type { ReactNode } from 'react';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 border-b border-slate-200 pb-5 sm:flex-row sm:items-end sm:justify-between">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-500">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-3">{actions}</div> : null}
    </div>
  );
}

/**
 * A dashboard page: its header (title, what it is, its main actions) above its cards, spaced alike
 * on every page; `testId` names the page for the e2e suites.
 */
export function Page({
  testId,
  children,
  ...header
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-6" data-testid={testId}>
      <PageHeader {...header} />
      {children}
    </div>
  );
}
