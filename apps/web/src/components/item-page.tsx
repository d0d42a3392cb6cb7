// The frame of a page showing one item of a list (an endpoint, a contact, a mailbox): the link back
// to the list above it, and the panel in its place when the id names nothing this workspace can see.
import type { ComponentProps, ReactNode } from 'react';
import { Link } from 'react-router';
import { buttonClass } from './button.tsx';
import { ArrowLeftIcon } from './icons.tsx';
import { StatePanel } from './state-panel.tsx';

/** "← All contacts" above the item. */
export function BackLink({ to, testId, children }: { to: string; testId: string; children: ReactNode }) {
  return (
    <Link
      to={to}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-800"
      data-testid={testId}
    >
      <ArrowLeftIcon className="size-4" />
      {children}
    </Link>
  );
}

/** "Contact not found": deleted, or another workspace's (the server answers both alike). */
export function ItemNotFound({
  icon,
  title,
  testId,
  listPath,
  listLabel,
}: {
  icon: ComponentProps<typeof StatePanel>['icon'];
  title: string;
  testId: string;
  /** The list, and the words of the way back to it ("See the contacts"). */
  listPath: string;
  listLabel: string;
}) {
  return (
    <StatePanel
      icon={icon}
      tone="neutral"
      heading="h1"
      title={title}
      testId={testId}
      className="mx-auto mt-8 max-w-lg"
      action={
        <Link to={listPath} className={buttonClass('secondary')}>
          {listLabel}
        </Link>
      }
    >
      It was deleted, or it belongs to another workspace.
    </StatePanel>
  );
}

/**
 * The item's header: its name (an address wraps anywhere rather than overflowing), a line about it,
 * and its actions on the right on wide screens. PageHeader, with a title the e2e suites can read.
 */
export function ItemHeader({
  title,
  titleTestId,
  description,
  actions,
}: {
  title: string;
  titleTestId: string;
  description: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 border-b border-slate-200 pb-5 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1
          className="text-2xl font-semibold tracking-tight [overflow-wrap:anywhere] text-slate-900"
          data-testid={titleTestId}
        >
          {title}
        </h1>
        <p className="mt-1 text-sm text-slate-500">{description}</p>
      </div>
      {actions}
    </div>
  );
}
