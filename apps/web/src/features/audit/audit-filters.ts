// The audit log's filters: kept in the URL (a filtered view can be shared and survives a reload), and
// turned into the API's input (pure: testable).
import { dayRangeFromSearch, dayRangeInput, dayRangeToSearch, isDay } from '../../lib/day-range.ts';
import type { FilterCodec } from '../../lib/use-url-filters.ts';

export interface AuditFilters {
  /** Event types to show; none means all. */
  eventTypes: string[];
  /** Only entries by this user. */
  actorId?: string | undefined;
  /** Calendar days (YYYY-MM-DD) in the viewer's time zone, both included. */
  from?: string | undefined;
  to?: string | undefined;
}

export const NO_FILTERS: AuditFilters = { eventTypes: [] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT = /^[a-z_]+\.[a-z_]+$/;

// Why the chosen days cannot be used, if they cannot.
export { dayRangeProblem as dateRangeProblem } from '../../lib/day-range.ts';
export { isDay };

/** Filters from the page's query string (`?type=a&type=b&actor=…&from=…&to=…`); junk is ignored. */
export function filtersFromSearch(params: URLSearchParams): AuditFilters {
  const eventTypes = [...new Set(params.getAll('type').filter((type) => EVENT.test(type)))].slice(0, 50);
  const actor = params.get('actor');
  const { from, to } = dayRangeFromSearch(params);
  return { eventTypes, actorId: actor && UUID.test(actor) ? actor : undefined, from, to };
}

export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const type of filters.eventTypes) params.append('type', type);
  if (filters.actorId) params.set('actor', filters.actorId);
  dayRangeToSearch(filters, params);
  return params;
}

/** Same filters (event types in any order). */
export function sameFilters(a: AuditFilters, b: AuditFilters): boolean {
  const key = (filters: AuditFilters) =>
    filtersToSearch({ ...filters, eventTypes: [...filters.eventTypes].sort() }).toString();
  return key(a) === key(b);
}

export function isFiltered(filters: AuditFilters): boolean {
  return filters.eventTypes.length > 0 || Boolean(filters.actorId || filters.from || filters.to);
}

export function toggleEventType(filters: AuditFilters, type: string): AuditFilters {
  const eventTypes = filters.eventTypes.includes(type)
    ? filters.eventTypes.filter((candidate) => candidate !== type)
    : [...filters.eventTypes, type];
  return { ...filters, eventTypes };
}

/** The filters' home in the URL, for useUrlFilters. */
export const AUDIT_FILTERS_CODEC: FilterCodec<AuditFilters> = {
  fromSearch: filtersFromSearch,
  toSearch: filtersToSearch,
};

export interface AuditFilterInput {
  workspaceId: string;
  eventTypes?: string[];
  actorId?: string;
  from?: string;
  to?: string;
}

/**
 * The API's filter input (shared by `audit.list` and `audit.export`): empty filters are left out, and
 * days become the contract's inclusive instants (the start of `from`, the very end of `to`).
 */
export function auditFilterInput(workspaceId: string, filters: AuditFilters): AuditFilterInput {
  const input: AuditFilterInput = { workspaceId };
  if (filters.eventTypes.length) input.eventTypes = [...filters.eventTypes].sort();
  if (filters.actorId) input.actorId = filters.actorId;
  return { ...input, ...dayRangeInput(filters) };
}
