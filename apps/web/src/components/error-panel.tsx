import { userMessage } from '../lib/api-errors.ts';
import { Alert } from './alert.tsx';
import { Button } from './button.tsx';

/** A failed load, with a retry. */
export function LoadError({
  title,
  error,
  onRetry,
  retrying,
  testId,
  className,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
  testId?: string;
  className?: string;
}) {
  return (
    <Alert tone="error" title={title} testId={testId} className={className}>
      <p>{userMessage(error)}</p>
      <Button variant="secondary" className="mt-3" onClick={onRetry} loading={retrying}>
        Try again
      </Button>
    </Alert>
  );
}
