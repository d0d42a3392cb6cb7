import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc.ts';

export const HEALTH_POLL_MS = 3_000;

/** Live system health: polled every 3 s, and polling goes on while the API is unreachable. */
export function useHealth() {
  const trpc = useTRPC();
  return useQuery(
    trpc.system.health.queryOptions(undefined, {
      refetchInterval: HEALTH_POLL_MS,
      staleTime: 0,
      retry: 1,
      retryDelay: 1_000,
    }),
  );
}
