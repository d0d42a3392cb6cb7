// The foot of a keyset-paged table: how many rows are shown (and whether that is all), "Load more"
// while another page exists, and a notice when fetching it failed.
import { Alert } from '../alert.tsx';
import { Button } from '../button.tsx';

export interface LoadMoreProps {
  shown: number;
  /** Singular and plural: ['job', 'jobs']. */
  noun: readonly [string, string];
  /** Said after the count once every page is loaded, e.g. 'all of them'. */
  endText: string;
  hasMore: boolean;
  loading: boolean;
  failed: boolean;
  onLoadMore: () => void;
  buttonLabel?: string | undefined;
  /** Prefix of the test ids `<testId>-count` and `<testId>-load-more`. */
  testId: string;
}

export function LoadMoreFooter({
  shown,
  noun,
  endText,
  hasMore,
  loading,
  failed,
  onLoadMore,
  buttonLabel = 'Load more',
  testId,
}: LoadMoreProps) {
  return (
    <>
      <div className="flex flex-col items-center gap-2 border-t border-slate-100 px-5 py-4 text-sm text-slate-500 sm:flex-row sm:justify-between sm:px-6">
        <span data-testid={`${testId}-count`}>
          Showing {shown} {shown === 1 ? noun[0] : noun[1]}
          {hasMore ? '' : ` · ${endText}`}
        </span>
        {hasMore ? (
          <Button
            variant="secondary"
            onClick={onLoadMore}
            loading={loading}
            data-testid={`${testId}-load-more`}
          >
            {buttonLabel}
          </Button>
        ) : null}
      </div>
      {failed ? (
        <Alert tone="error" className="mx-5 mb-4 sm:mx-6">
          Could not load more {noun[1]}. Try again.
        </Alert>
      ) : null}
    </>
  );
}

/** The state of an infinite (keyset-paged) query, as the foot of its table wants it. */
export function infinitePagination(
  query: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    isFetchNextPageError: boolean;
    fetchNextPage: () => unknown;
  },
  shown: number,
  words: Pick<LoadMoreProps, 'noun' | 'endText' | 'buttonLabel' | 'testId'>,
): LoadMoreProps {
  return {
    ...words,
    shown,
    hasMore: query.hasNextPage,
    loading: query.isFetchingNextPage,
    failed: query.isFetchNextPageError,
    onLoadMore: () => void query.fetchNextPage(),
  };
}
