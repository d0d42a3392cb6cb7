import { useQuery } from '@tanstack/react-query';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';

export type ApiKeyRow = RouterOutputs['apiKeys']['list']['keys'][number];
export type KeyUsage = RouterOutputs['apiKeys']['usage'];

export const USAGE_DAYS = 30;

export function useKeysQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.apiKeys.list.queryOptions({ workspaceId }, { staleTime: 0 }));
}

export function useUsageQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.apiKeys.usage.queryOptions({ workspaceId, days: USAGE_DAYS }, { staleTime: 0 }));
}
