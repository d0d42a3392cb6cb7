// The Contacts list's filters (search by address or name, list, subscription status): kept in the URL
// so a filtered view survives a reload and can be shared, and turned into the API's input (pure).
import type { FilterCodec } from '../../lib/use-url-filters.ts';
import type { SubscriptionStatus } from './contacts-model.ts';

export interface ContactFilters {
  search?: string | undefined;
  listId?: string | undefined;
  status?: SubscriptionStatus | undefined;
}

export const NO_FILTERS: ContactFilters = {};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: readonly string[] = ['unconfirmed', 'active', 'unsubscribed'];
export const SEARCH_MAX = 320;

/** Filters from `?q=…&list=…&status=…`; junk is ignored. */
export function filtersFromSearch(params: URLSearchParams): ContactFilters {
  const search = params.get('q')?.trim().slice(0, SEARCH_MAX) || undefined;
  const listId = params.get('list') ?? '';
  const status = params.get('status') ?? '';
  return {
    search,
    listId: UUID.test(listId) ? listId : undefined,
    status: STATUSES.includes(status) ? (status as SubscriptionStatus) : undefined,
  };
}

export function filtersToSearch(filters: ContactFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search?.trim()) params.set('q', filters.search.trim());
  if (filters.listId) params.set('list', filters.listId);
  if (filters.status) params.set('status', filters.status);
  return params;
}

export const CONTACT_FILTERS_CODEC: FilterCodec<ContactFilters> = {
  fromSearch: filtersFromSearch,
  toSearch: filtersToSearch,
};

export function isFiltered(filters: ContactFilters): boolean {
  return Boolean(filters.search?.trim() || filters.listId || filters.status);
}

export interface ContactsInput {
  workspaceId: string;
  search?: string;
  listId?: string;
  status?: SubscriptionStatus;
}

/** The API's input: empty filters left out. A status without a list means "on any list". */
export function contactsInput(workspaceId: string, filters: ContactFilters): ContactsInput {
  const input: ContactsInput = { workspaceId };
  const search = filters.search?.trim();
  if (search) input.search = search;
  if (filters.listId) input.listId = filters.listId;
  if (filters.status) input.status = filters.status;
  return input;
}
