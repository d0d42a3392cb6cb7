// The webhooks queries and the cache updates shared by the endpoint pages.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { type Trpc, useInvalidate } from '../../lib/use-invalidate.ts';
import type { DeliveriesInput } from './delivery-filters.ts';
import { anyPending } from './webhooks-model.ts';

export type WebhookEndpoint = RouterOutputs['webhooks']['list']['endpoints'][number];
export type OfferedEventType = RouterOutputs['webhooks']['list']['eventTypes'][number];
export type WebhookDelivery = RouterOutputs['webhooks']['deliveries']['deliveries'][number];
export type WebhookAttempt = WebhookDelivery['attemptLog'][number];
export type WebhookSecret = RouterOutputs['webhooks']['revealSecret'];

export const DELIVERIES_PAGE_SIZE = 25;
/** While a delivery is pending, the log (and the endpoint's health) is re-read this often. */
export const PENDING_POLL_MS = 5_000;

export function useEndpointsQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.webhooks.list.queryOptions({ workspaceId }, { staleTime: 0 }));
}

export function useEndpointQuery(workspaceId: string, endpointId: string, options: { poll: boolean }) {
  const trpc = useTRPC();
  return useQuery(
    trpc.webhooks.get.queryOptions(
      { workspaceId, endpointId },
      { staleTime: 0, refetchInterval: options.poll ? PENDING_POLL_MS : false },
    ),
  );
}

/** Pages of the filtered log, newest first ("Load more" continues with nextCursor). */
export function useDeliveriesLog(input: DeliveriesInput, enabled: boolean) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { ...input, limit: DELIVERIES_PAGE_SIZE },
      {
        ...logPageOptions(enabled),
        refetchInterval: (query) =>
          anyPending(query.state.data?.pages.flatMap((page) => page.deliveries) ?? [])
            ? PENDING_POLL_MS
            : false,
      },
    ),
  );
}

const webhookKeys = (trpc: Trpc) => [
  trpc.webhooks.list.queryKey(),
  trpc.webhooks.get.pathKey(),
  trpc.webhooks.deliveries.pathKey(),
];

/** Re-reads what a change to an endpoint affects: the list, the endpoint, its log. */
export const useRefreshWebhooks = () => useInvalidate(webhookKeys);

/** After a deletion (once its page is gone): drops the endpoint and its log from the cache. */
export function useForgetEndpoint() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (endpointId: string) => {
      const ofEndpoint = (query: { queryKey: readonly unknown[] }) =>
        JSON.stringify(query.queryKey).includes(JSON.stringify(endpointId));
      queryClient.removeQueries({ queryKey: trpc.webhooks.get.pathKey(), predicate: ofEndpoint });
      queryClient.removeQueries({ queryKey: trpc.webhooks.deliveries.pathKey(), predicate: ofEndpoint });
      queryClient.setQueriesData<RouterOutputs['webhooks']['list']>(
        { queryKey: trpc.webhooks.list.queryKey() },
        (data) =>
          data && { ...data, endpoints: data.endpoints.filter((endpoint) => endpoint.id !== endpointId) },
      );
    },
    [queryClient, trpc],
  );
}

/** Puts a delivery the server just returned (after a re-send) in place in every cached log page. */
export function useReplaceDelivery() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (delivery: WebhookDelivery) => {
      queryClient.setQueriesData<{
        pages: Array<RouterOutputs['webhooks']['deliveries']>;
        pageParams: unknown[];
      }>(
        { queryKey: trpc.webhooks.deliveries.pathKey() },
        (data) =>
          data && {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              deliveries: page.deliveries.map((row) => (row.id === delivery.id ? delivery : row)),
            })),
          },
      );
    },
    [queryClient, trpc],
  );
}
