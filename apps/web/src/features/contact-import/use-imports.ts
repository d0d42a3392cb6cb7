// The contact import queries: one import's report of the rows not subscribed, page by page (keyset on
// the file's row number: the server's `nextAfter` leads on).
import type { ContactImportDto, ContactImportReportReason } from '@postern/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useTRPCClient } from '../../lib/trpc.ts';

export type ContactImport = ContactImportDto;

export const REPORT_PAGE_SIZE = 50;

export function useReportLog(
  workspaceId: string,
  importId: string,
  reason: ContactImportReportReason | undefined,
  /** The import's status: the report is read again when it changes (rows are added while it runs). */
  status: string,
) {
  const client = useTRPCClient();
  return useInfiniteQuery({
    queryKey: ['contactImports.report', workspaceId, importId, reason ?? null, status],
    queryFn: ({ pageParam }) =>
      client.contactImports.report.query({
        workspaceId,
        importId,
        after: pageParam,
        limit: REPORT_PAGE_SIZE,
        ...(reason ? { reason } : {}),
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}
