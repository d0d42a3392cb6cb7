// The signed-in user's notifications: polled every 30 s and on window focus while signed in.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc.ts';
import { NOTIFICATIONS_POLL_MS } from './notifications-model.ts';

export function useNotifications(enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(
    trpc.notifications.list.queryOptions(undefined, {
      enabled,
      staleTime: 0,
      refetchInterval: NOTIFICATIONS_POLL_MS,
      refetchOnWindowFocus: 'always',
    }),
  );
}

/** Marks the given notifications read (all of them without `ids`), then re-reads the list. */
export function useMarkRead() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.list.pathKey() }),
    }),
  );
}
