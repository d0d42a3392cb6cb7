import { cn } from '../lib/cn.ts';

/** One line of text cut with an ellipsis where it does not fit; the whole of it on hover. */
export function Truncated({
  text,
  testId,
  className,
}: {
  text: string;
  testId?: string;
  className?: string;
}) {
  return (
    <span className={cn('block truncate', className)} data-testid={testId} title={text}>
      {text}
    </span>
  );
}
