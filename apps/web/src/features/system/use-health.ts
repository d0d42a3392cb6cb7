import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
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

/** The current time, re-rendered every `intervalMs` (for "updated 3s ago" labels). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
