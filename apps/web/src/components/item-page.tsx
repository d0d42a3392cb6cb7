// The frame of a page showing one item of a list (an endpoint, a contact, a mailbox): the link back
// to the list above it, the panel in its place when the id names nothing this workspace can see, and
// the branching of the item's query (skeleton, not found, error with the way back, the item).
import type { ComponentProps, ComponentType, ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { errorCode } from '../lib/api-errors.ts';
import { buttonClass } from './button.tsx';
import { LoadError } from './error-panel.tsx';
import { ArrowLeftIcon } from './icons.tsx';
import { PageSkeleton, Skeleton } from './skeleton.tsx';
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
  reason = 'It was deleted, or it belongs to another workspace.',
}: {
  icon: ComponentProps<typeof StatePanel>['icon'];
  title: string;
  testId: string;
  /** The list, and the words of the way back to it ("See the contacts"). */
  listPath: string;
  listLabel: string;
  /** Why there is nothing, where items of the kind are not deleted. */
  reason?: string;
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
      {reason}
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
  badge,
  description,
  details,
  actions,
}: {
  title: string;
  titleTestId: string;
  /** Its state beside the name (a status badge). */
  badge?: ReactNode;
  description: ReactNode;
  /** More lines under the description. */
  details?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 border-b border-slate-200 pb-5 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-3">
          <h1
            className="min-w-0 text-2xl font-semibold tracking-tight [overflow-wrap:anywhere] text-slate-900"
            data-testid={titleTestId}
          >
            {title}
          </h1>
          {badge}
        </div>
        <p className="mt-1 text-sm text-slate-500">{description}</p>
        {details}
      </div>
      {actions}
    </div>
  );
}

/** What an item's query answered (a TanStack query). */
interface ItemQuery<Item> {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  error: unknown;
  data: Item | undefined;
  refetch: () => unknown;
}

/**
 * An item page's query: a skeleton while the first answer is on its way, ItemNotFound when the server
 * knows no such item here (deleted meanwhile, another workspace's), the error under the way back to
 * the list when nothing can be shown (`<name>-error`), else the item.
 */
export function ItemState<Item>({
  query,
  name,
  what,
  skeleton,
  notFound,
  back,
  children,
}: {
  query: ItemQuery<Item>;
  /** The error's test id prefix. */
  name: string;
  /** What is loaded: "the endpoint" (→ "Could not load the endpoint"). */
  what: string;
  /** What the skeleton shows below the title and two cards (`<name>-loading`). */
  skeleton?: ReactNode;
  notFound: ReactNode;
  /** The BackLink above the error. */
  back: ReactNode;
  children: (item: Item) => ReactNode;
}) {
  if (query.isPending)
    return (
      <PageSkeleton label={`Loading ${what}…`} testId={`${name}-loading`}>
        <Skeleton className="h-8 w-80" />
        <div className="grid gap-6 lg:grid-cols-2">
          <Skeleton className="h-72" />
          <Skeleton className="h-72" />
        </div>
        {skeleton}
      </PageSkeleton>
    );
  if (errorCode(query.error) === 'NOT_FOUND') return notFound;
  if (query.data === undefined)
    return (
      <div className="space-y-6">
        {back}
        <LoadError title={`Could not load ${what}`} query={query} testId={`${name}-error`} />
      </div>
    );
  return children(query.data);
}

/**
 * The item the URL names (`param`): `notFound` when it cannot name one (not sent to the API), else
 * `view` for that id, remounted when the id changes (nothing of the previous item lingers).
 */
export function ItemRoute({
  param,
  isId,
  notFound,
  view: View,
}: {
  param: string;
  isId: (value: string | undefined) => value is string;
  notFound: ReactNode;
  view: ComponentType<{ id: string }>;
}) {
  const id = useParams()[param];
  if (!isId(id)) return notFound;
  return <View key={id} id={id} />;
}
