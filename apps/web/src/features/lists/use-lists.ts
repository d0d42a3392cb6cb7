// The lists queries, shared by the Lists pages and the Contacts pages (filters, names, subscribing).
import { useQuery } from '@tanstack/react-query';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { type Trpc, useInvalidate } from '../../lib/use-invalidate.ts';

export type ContactList = RouterOutputs['contacts']['lists']['list']['lists'][number];
export type ListDetail = RouterOutputs['contacts']['lists']['get'];
export type ConsentTextVersion = RouterOutputs['contacts']['lists']['consentTexts']['versions'][number];

export function useListsQuery(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.contacts.lists.list.queryOptions({ workspaceId }, { staleTime: 0 }));
}

export function useListQuery(workspaceId: string, listId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.contacts.lists.get.queryOptions({ workspaceId, listId }, { staleTime: 0 }));
}

export function useConsentTextsQuery(workspaceId: string, listId: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.contacts.lists.consentTexts.queryOptions(
      { workspaceId, listId: listId ?? '' },
      { enabled: listId !== undefined, staleTime: 0 },
    ),
  );
}

const LIST_KEYS = (trpc: Trpc) => [
  trpc.contacts.lists.list.queryKey(),
  trpc.contacts.lists.get.pathKey(),
  trpc.contacts.lists.consentTexts.pathKey(),
];

/** Re-reads the lists (and their counts) after a change to a list or a subscription. */
export const useRefreshLists = () => useInvalidate(LIST_KEYS);

/** List id → name, for the pages that show subscriptions and ledger events. */
export function listNames(lists: readonly ContactList[] | undefined): Map<string, string> {
  return new Map((lists ?? []).map((list) => [list.id, list.name]));
}
