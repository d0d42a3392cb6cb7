// What every filtered, keyset-paged log (audit entries, webhook deliveries) asks of TanStack Query.
import { keepPreviousData } from '@tanstack/react-query';

/**
 * Read fresh on every visit, keep the rows on screen while another filter's first page loads
 * (shown as stale), and continue from the server's cursor until it has none.
 */
export function logPageOptions(enabled: boolean) {
  return {
    enabled,
    staleTime: 0,
    placeholderData: keepPreviousData,
    getNextPageParam: <C>(last: { nextCursor?: C | null }) => last.nextCursor ?? undefined,
  };
}
