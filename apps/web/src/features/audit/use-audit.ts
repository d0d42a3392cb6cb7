import { useInfiniteQuery } from '@tanstack/react-query';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import type { AuditFilterInput } from './audit-filters.ts';

export type AuditEntry = RouterOutputs['audit']['list']['entries'][number];
export type VerifyResult = RouterOutputs['audit']['verify'];

export const AUDIT_PAGE_SIZE = 50;

/** Pages of the filtered log, newest first; each next page continues below the last seq seen. */
export function useAuditLog(input: AuditFilterInput, enabled: boolean) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ ...input, limit: AUDIT_PAGE_SIZE }, logPageOptions(enabled)),
  );
}
