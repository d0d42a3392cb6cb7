// The "re-read what a change affects" hook of every feature: a stable callback invalidating the query
// keys a feature names (its list, one item, its log…), all at once.
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTRPC } from './trpc.ts';

export type Trpc = ReturnType<typeof useTRPC>;

/** `keysOf` names the keys from the tRPC proxy; declare it at module level so the callback stays stable. */
export function useInvalidate(keysOf: (trpc: Trpc) => readonly QueryKey[]) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => Promise.all(keysOf(trpc).map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
    [queryClient, trpc, keysOf],
  );
}
