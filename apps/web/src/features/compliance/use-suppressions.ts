// The suppression list's queries and filter, shared by the Compliance page's parts.
import { useInfiniteQuery } from '@tanstack/react-query';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { type Trpc, useInvalidate } from '../../lib/use-invalidate.ts';
import type { FilterCodec } from '../../lib/use-url-filters.ts';
import { isReason, type SuppressionReason } from './compliance-model.ts';

export type Suppression = RouterOutputs['contacts']['suppressions']['list']['suppressions'][number];

export const SUPPRESSIONS_PAGE_SIZE = 50;

export interface SuppressionFilters {
  reason?: SuppressionReason | undefined;
}

/** `?reason=bounced`; anything else is no filter. */
export const SUPPRESSION_FILTERS_CODEC: FilterCodec<SuppressionFilters> = {
  fromSearch: (params) => {
    const reason = params.get('reason');
    return { reason: isReason(reason) ? reason : undefined };
  },
  toSearch: (filters) => new URLSearchParams(filters.reason ? { reason: filters.reason } : {}),
};

export function useSuppressionsLog(workspaceId: string, filters: SuppressionFilters) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.contacts.suppressions.list.infiniteQueryOptions(
      { workspaceId, ...(filters.reason ? { reason: filters.reason } : {}), limit: SUPPRESSIONS_PAGE_SIZE },
      logPageOptions(true),
    ),
  );
}

const SUPPRESSION_KEYS = (trpc: Trpc) => [trpc.contacts.suppressions.list.pathKey()];

export const useRefreshSuppressions = () => useInvalidate(SUPPRESSION_KEYS);
