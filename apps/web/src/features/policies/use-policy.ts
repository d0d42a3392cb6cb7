// The policy's query and its two mutations (save, dry run).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';

export type PolicyView = RouterOutputs['policies']['get'];
export type DryRunResult = RouterOutputs['policies']['dryRun'];
export type DryRunRow = DryRunResult['rows'][number];

export function usePolicyQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.policies.get.queryOptions({ workspaceId }, { staleTime: 0 }));
}

export function useSavePolicy(workspaceId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.policies.set.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.policies.get.queryKey({ workspaceId }), saved);
      },
    }),
  );
}

export function useDryRun() {
  const trpc = useTRPC();
  return useMutation(trpc.policies.dryRun.mutationOptions());
}
