// The delivery log's filters (pure: testable): kept in the URL (a filtered view can be shared and
// survives a reload), and turned into the `webhooks.deliveries` input.
import { dayRangeFromSearch, dayRangeInput, dayRangeToSearch } from '../../lib/day-range.ts';
import type { FilterCodec } from '../../lib/use-url-filters.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from './webhooks-model.ts';

export interface DeliveryFilters {
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
  /** Calendar days (YYYY-MM-DD) in the viewer's time zone, both included. */
  from?: string | undefined;
  to?: string | undefined;
}

export const NO_FILTERS: DeliveryFilters = {};

const EVENT = /^[a-z_]+\.[a-z_]+$/;

function isStatus(value: string | null): value is DeliveryStatus {
  return value !== null && (DELIVERY_STATUSES as readonly string[]).includes(value);
}

/** Filters from the page's query string (`?status=failed&event=…&from=…&to=…`); junk is ignored. */
export function filtersFromSearch(params: URLSearchParams): DeliveryFilters {
  const status = params.get('status');
  const event = params.get('event');
  const filters: DeliveryFilters = {};
  if (isStatus(status)) filters.status = status;
  if (event && event.length <= 64 && EVENT.test(event)) filters.eventType = event;
  return { ...filters, ...dayRangeFromSearch(params) };
}

export function filtersToSearch(filters: DeliveryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.eventType) params.set('event', filters.eventType);
  dayRangeToSearch(filters, params);
  return params;
}

export function isFiltered(filters: DeliveryFilters): boolean {
  return Boolean(filters.status || filters.eventType || filters.from || filters.to);
}

/** The filters' home in the URL, for useUrlFilters. */
export const DELIVERY_FILTERS_CODEC: FilterCodec<DeliveryFilters> = {
  fromSearch: filtersFromSearch,
  toSearch: filtersToSearch,
};

export interface DeliveriesInput {
  workspaceId: string;
  endpointId: string;
  status?: DeliveryStatus;
  eventType?: string;
  from?: string;
  to?: string;
}

/**
 * The `webhooks.deliveries` input: empty filters left out; days become the contract's inclusive
 * instants in the viewer's zone (the start of `from`, the last millisecond of `to`).
 */
export function deliveriesInput(
  workspaceId: string,
  endpointId: string,
  filters: DeliveryFilters,
): DeliveriesInput {
  const input: DeliveriesInput = { workspaceId, endpointId };
  if (filters.status) input.status = filters.status;
  if (filters.eventType) input.eventType = filters.eventType;
  return { ...input, ...dayRangeInput(filters) };
}
