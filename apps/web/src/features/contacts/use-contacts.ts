// The contacts queries and the cache updates shared by the Contacts pages.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import type { ContactsInput } from './contact-filters.ts';

export type Contact = RouterOutputs['contacts']['get'];
export type ConsentEvent = RouterOutputs['contacts']['consent']['events'][number];

export const CONTACTS_PAGE_SIZE = 50;

/** Pages of the filtered contacts ("Load more" continues with the server's cursor). */
export function useContactsLog(input: ContactsInput) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.contacts.list.infiniteQueryOptions({ ...input, limit: CONTACTS_PAGE_SIZE }, logPageOptions(true)),
  );
}

export function useContactQuery(workspaceId: string, contactId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.contacts.get.queryOptions({ workspaceId, contactId }, { staleTime: 0, retry: false }));
}

export function useConsentQuery(workspaceId: string, contactId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.contacts.consent.queryOptions({ workspaceId, contactId }, { staleTime: 0, retry: false }),
  );
}

/** Re-reads what a change to contacts affects: the list, a contact, its timeline, the lists' counts. */
export function useRefreshContacts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.contacts.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.contacts.get.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.contacts.consent.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.contacts.lists.list.queryKey() }),
      ]),
    [queryClient, trpc],
  );
}
