import { userMessage } from '../lib/api-errors.ts';
import { Alert } from './alert.tsx';
import { Button } from './button.tsx';
import type { QueryLike } from './list-kit/query-state.tsx';

/** What failed and how to try again: the failed query itself, or its parts. */
type Failure = { query: QueryLike } | { error: unknown; onRetry: () => void; retrying: boolean };

/** A failed load, with a retry. */
export function LoadError({
  title,
  testId,
  className,
  ...failure
}: Failure & {
  title: string;
  testId?: string;
  className?: string;
}) {
  const { error, onRetry, retrying } =
    'query' in failure
      ? {
          error: failure.query.error,
          onRetry: () => void failure.query.refetch(),
          retrying: failure.query.isFetching,
        }
      : failure;
  return (
    <Alert tone="error" title={title} testId={testId} className={className}>
      <p>{userMessage(error)}</p>
      <Button variant="secondary" className="mt-3" onClick={onRetry} loading={retrying}>
        Try again
      </Button>
    </Alert>
  );
}
