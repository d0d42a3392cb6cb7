import { formatDateTime, formatRelative } from '../lib/time.ts';

/** A past instant as "5 minutes ago", its full date and time on hover. */
export function TimeAgo({ iso, now, testId }: { iso: string; now: number; testId?: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)} data-testid={testId}>
      {formatRelative(Date.parse(iso), now)}
    </time>
  );
}
