// The contacts queries and the cache updates shared by the Contacts pages.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { type Trpc, useInvalidate } from '../../lib/use-invalidate.ts';
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

const CONTACT_KEYS = (trpc: Trpc) => [
  trpc.contacts.list.pathKey(),
  trpc.contacts.get.pathKey(),
  trpc.contacts.consent.pathKey(),
  trpc.contacts.lists.list.queryKey(),
];

/** Re-reads what a change to contacts affects: the list, a contact, its timeline, the lists' counts. */
export const useRefreshContacts = () => useInvalidate(CONTACT_KEYS);
