// The loading / error / empty / loaded branching of every list (#17): a skeleton while the first
// answer is on its way, the error with a retry when there is nothing to show, the empty state, else
// the content. A refetch that fails while rows are shown keeps the rows.
import type { ReactNode } from 'react';
import { LoadError } from '../error-panel.tsx';
import { Skeleton } from '../skeleton.tsx';
import { Spinner } from '../spinner.tsx';

/** What QueryState reads of a TanStack query (plain or infinite). */
export interface QueryLike {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  data: unknown;
  error: unknown;
  refetch: () => unknown;
}

export function QueryState({
  query,
  what,
  testId,
  skeleton,
  isEmpty = false,
  empty,
  children,
}: {
  query: QueryLike;
  /** What is loaded, for people: "the audit log" (→ "Loading the audit log…", "Could not load the audit log"). */
  what: string;
  /** Prefix of the test ids `<testId>-loading` and `<testId>-error`. */
  testId: string;
  /** The skeleton's rows and bars (ListSkeleton). */
  skeleton?: { rows?: number; cells?: readonly string[] };
  isEmpty?: boolean;
  empty?: ReactNode;
  children: ReactNode;
}) {
  if (query.isPending)
    return <ListSkeleton label={`Loading ${what}…`} testId={`${testId}-loading`} {...skeleton} />;
  if (query.isError && !query.data)
    return (
      <LoadError
        title={`Could not load ${what}`}
        query={query}
        testId={`${testId}-error`}
        className="m-5 sm:m-6"
      />
    );
  if (isEmpty) return empty ?? null;
  return children;
}

/** A spinner while rows already shown are re-read (not the first load, nor a next page): a card's corner. */
export function Refreshing({ query }: { query: QueryLike & { isFetchingNextPage?: boolean } }) {
  if (!query.isFetching || query.isFetchingNextPage || query.isPending) return null;
  return <Spinner className="size-4 text-slate-500" />;
}

const DEFAULT_CELLS = ['h-4 w-36', 'h-5 w-20 rounded-full', 'h-4 w-16', 'ml-auto h-4 w-24'];

/** Grey bars where rows will be; `cells` are the bars' sizes in one row. */
function ListSkeleton({
  label,
  testId,
  rows = 3,
  cells = DEFAULT_CELLS,
}: {
  label: string;
  testId?: string;
  rows?: number;
  cells?: readonly string[];
}) {
  return (
    <div data-testid={testId} aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, row) => (
        <div key={row} className="flex items-center gap-6 py-3.5">
          {cells.map((cell, index) => (
            <Skeleton key={index} className={cell} />
          ))}
        </div>
      ))}
    </div>
  );
}
