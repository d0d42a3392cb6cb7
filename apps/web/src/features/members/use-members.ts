import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';

export type MemberList = RouterOutputs['members']['list'];
export type Member = MemberList['members'][number];
export type PendingInvitation = MemberList['invitations'][number];

export function useMembersQuery(workspaceId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery(trpc.members.list.queryOptions({ workspaceId }, { enabled, staleTime: 0 }));
}

export function useInvalidateMembers(workspaceId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ workspaceId }) }),
    [queryClient, trpc, workspaceId],
  );
}
