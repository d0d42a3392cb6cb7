// The audit log's filters: kept in the URL (a filtered view can be shared and survives a reload), and
// turned into the API's input (pure: testable).

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

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT = /^[a-z_]+\.[a-z_]+$/;

/** A real calendar day written YYYY-MM-DD (not 2026-02-31). */
export function isDay(value: string | null | undefined): value is string {
  const match = value ? DAY.exec(value) : null;
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d;
}

/** Filters from the page's query string (`?type=a&type=b&actor=…&from=…&to=…`); junk is ignored. */
export function filtersFromSearch(params: URLSearchParams): AuditFilters {
  const eventTypes = [...new Set(params.getAll('type').filter((type) => EVENT.test(type)))].slice(0, 50);
  const actor = params.get('actor');
  const from = params.get('from');
  const to = params.get('to');
  return {
    eventTypes,
    actorId: actor && UUID.test(actor) ? actor : undefined,
    from: isDay(from) ? from : undefined,
    to: isDay(to) ? to : undefined,
  };
}

export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const type of filters.eventTypes) params.append('type', type);
  if (filters.actorId) params.set('actor', filters.actorId);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
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

/** Why the date range cannot be used, if it cannot. */
export function dateRangeProblem(filters: AuditFilters): string | undefined {
  if (filters.from && filters.to && filters.from > filters.to) return 'The start date is after the end date.';
  return undefined;
}

function dayStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 0, 0, 0, 0);
}

function dayEnd(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 23, 59, 59, 999);
}

export interface AuditFilterInput {
  workspaceId: string;
  eventTypes?: string[];
  actorId?: string;
  from?: string;
  to?: string;
}

/**
 * The API's filter input (shared by `audit.list` and `audit.export`): empty filters are left out, and
 * days become instants: `from` at the start of that day and `to` at its very end, in the viewer's zone.
 */
export function auditFilterInput(workspaceId: string, filters: AuditFilters): AuditFilterInput {
  const input: AuditFilterInput = { workspaceId };
  if (filters.eventTypes.length) input.eventTypes = [...filters.eventTypes].sort();
  if (filters.actorId) input.actorId = filters.actorId;
  if (filters.from) input.from = dayStart(filters.from).toISOString();
  if (filters.to) input.to = dayEnd(filters.to).toISOString();
  return input;
}
