// The email account queries and the cache updates shared by the list and the detail page.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { type MailboxAction, mailboxActionError } from './mailbox-errors.ts';

export type Mailbox = RouterOutputs['mailboxes']['list']['mailboxes'][number];
export type MailboxTestResult = RouterOutputs['mailboxes']['test'];
export type SenderAuthReport = NonNullable<Mailbox['senderAuth']>['report'];

export function useMailboxesQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.mailboxes.list.queryOptions({ workspaceId }, { staleTime: 0 }));
}

export function useMailboxQuery(workspaceId: string, mailboxId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.mailboxes.get.queryOptions({ workspaceId, mailboxId }, { staleTime: 0 }));
}

/**
 * Puts a mailbox the server just returned (after a test, a save, a check) in place in the cached list
 * and detail, so the page shows it at once; then re-reads both.
 */
export function useMailboxUpdated() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (mailbox?: Mailbox) => {
      if (mailbox) {
        queryClient.setQueriesData<Mailbox>({ queryKey: trpc.mailboxes.get.pathKey() }, (data) =>
          data && data.id === mailbox.id ? mailbox : data,
        );
        queryClient.setQueriesData<RouterOutputs['mailboxes']['list']>(
          { queryKey: trpc.mailboxes.list.queryKey() },
          (data) =>
            data && {
              ...data,
              mailboxes: data.mailboxes.map((row) => (row.id === mailbox.id ? mailbox : row)),
            },
        );
      }
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.mailboxes.list.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.mailboxes.get.pathKey() }),
      ]);
    },
    [queryClient, trpc],
  );
}

/**
 * What every change to one mailbox starts with: the tRPC proxy, `updated` (the mailbox the server
 * answers replaces the cached one) and the refusal worded for `action`.
 */
export function useMailboxChange(action: MailboxAction) {
  const trpc = useTRPC();
  const updated = useMailboxUpdated();
  const refusal = useRefusal((error) => mailboxActionError(error, action));
  return { trpc, updated, refusal };
}
