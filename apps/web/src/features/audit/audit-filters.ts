// The audit log's filters: kept in the URL (a filtered view can be shared and survives a reload), and
// turned into the API's input (pure: testable). Who acted (a member or an API key) and what the entry
// is about (an object, or every object of a type) are separate filters: "role changed" about bob is
// not "role changed" by bob.
import { dayRangeFromSearch, dayRangeInput, dayRangeToSearch } from '../../lib/day-range.ts';
import type { FilterCodec } from '../../lib/use-url-filters.ts';

export interface AuditFilters {
  /** Event types to show; none means all. */
  eventTypes: string[];
  /** Only entries by this member (user id). */
  actorId?: string | undefined;
  /** Only entries made with this API key (key id); never together with actorId. */
  actorKeyId?: string | undefined;
  /** Only entries about this object (a user id, a key id, a job id…). */
  targetId?: string | undefined;
  /** Only entries about objects of this type (`user`, `api_key`…), with targetId or alone. */
  targetType?: string | undefined;
  /** Calendar days (YYYY-MM-DD) in the viewer's time zone, both included. */
  from?: string | undefined;
  to?: string | undefined;
}

export const NO_FILTERS: AuditFilters = { eventTypes: [] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT = /^[a-z_]+\.[a-z_]+$/;
const TARGET_ID = /^[\w.:@-]{1,100}$/;
const TARGET_TYPE = /^[a-z_]{1,40}$/;

const valid = (pattern: RegExp, value: string | null) => (value && pattern.test(value) ? value : undefined);

/** The URL's names for the single-valued filters. */
const PARAMS = [
  ['actorId', 'actor', UUID],
  ['actorKeyId', 'actorKey', UUID],
  ['targetId', 'target', TARGET_ID],
  ['targetType', 'targetType', TARGET_TYPE],
] as const;

/** Filters from the page's query string (`?type=a&actor=…&target=…&from=…`); junk is ignored. */
export function filtersFromSearch(params: URLSearchParams): AuditFilters {
  const eventTypes = [...new Set(params.getAll('type').filter((type) => EVENT.test(type)))].slice(0, 50);
  const filters: AuditFilters = { eventTypes };
  for (const [key, name, pattern] of PARAMS) filters[key] = valid(pattern, params.get(name));
  // One actor: a member or a key, not both.
  if (filters.actorId) filters.actorKeyId = undefined;
  return { ...filters, ...dayRangeFromSearch(params) };
}

export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const type of filters.eventTypes) params.append('type', type);
  for (const [key, name] of PARAMS) {
    const value = filters[key];
    if (value) params.set(name, value);
  }
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
  return (
    filters.eventTypes.length > 0 ||
    PARAMS.some(([key]) => filters[key]) ||
    Boolean(filters.from || filters.to)
  );
}

export function toggleEventType(filters: AuditFilters, type: string): AuditFilters {
  const eventTypes = filters.eventTypes.includes(type)
    ? filters.eventTypes.filter((candidate) => candidate !== type)
    : [...filters.eventTypes, type];
  return { ...filters, eventTypes };
}

/** The Actor select's value: `user:<id>`, `key:<id>` or '' (anyone). */
export function actorChoice(filters: AuditFilters): string {
  if (filters.actorId) return `user:${filters.actorId}`;
  return filters.actorKeyId ? `key:${filters.actorKeyId}` : '';
}

export function withActor(filters: AuditFilters, choice: string): AuditFilters {
  const [kind, id] = choice.split(':');
  return {
    ...filters,
    actorId: kind === 'user' ? id : undefined,
    actorKeyId: kind === 'key' ? id : undefined,
  };
}

/** The Target select's value: `<type>|<id>`; either may be empty (every object of a type: `api_key|`). */
export function targetChoice(filters: AuditFilters): string {
  return filters.targetId || filters.targetType
    ? `${filters.targetType ?? ''}|${filters.targetId ?? ''}`
    : '';
}

export function withTarget(filters: AuditFilters, choice: string): AuditFilters {
  const [type, id] = choice.split('|');
  return { ...filters, targetType: type || undefined, targetId: id || undefined };
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
  actorKeyId?: string;
  targetId?: string;
  targetType?: string;
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
  for (const [key] of PARAMS) {
    const value = filters[key];
    if (value) input[key] = value;
  }
  return { ...input, ...dayRangeInput(filters) };
}
